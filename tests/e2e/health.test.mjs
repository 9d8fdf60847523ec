// The divergence check on its own (no browser).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CALM_ITERATIONS, checkHealth, DISC_WON } from '../../www/health.js';

const row = (iteration, discLoss, genLoss) => [iteration, discLoss, genLoss, 0.5, 0.5];
const rows = (from, count, discLoss, genLoss) =>
  Array.from({ length: count }, (_, i) => row(from + i, discLoss, genLoss)).flat();

test('ordinary training is healthy once it has been calm for a while', () => {
  assert.deepEqual(checkHealth(rows(0, 50, 1.3, 0.7)), { streak: 0, calm: 50, healthy: true, problem: null });
  const early = checkHealth(rows(0, CALM_ITERATIONS - 1, 1.3, 0.7));
  assert.equal(early.healthy, false, 'not yet');
  assert.equal(checkHealth(row(CALM_ITERATIONS - 1, 1.3, 0.7), early).healthy, true, 'carried across calls');
});

test('a non-finite loss is a problem at its iteration', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    const history = [...rows(0, 30, 1.3, 0.7), ...row(30, 1.2, bad), ...rows(31, 3, 1.3, 0.7)];
    const { problem, healthy } = checkHealth(history);
    assert.equal(problem.iteration, 30);
    assert.match(problem.reason, /NaN or infinite/);
    assert.equal(healthy, false);
  }
});

test('a discriminator that has won for long enough is a problem, across calls', () => {
  const first = checkHealth(rows(0, DISC_WON.iterations - 1, 0, 2e5));
  assert.equal(first.problem, null, 'one short of the run');
  assert.equal(first.healthy, false, 'but not a state to keep');
  const second = checkHealth(row(DISC_WON.iterations - 1, 0, 2e5), first);
  assert.equal(second.problem.iteration, DISC_WON.iterations - 1);
  assert.match(second.problem.reason, /won outright/);
});

test('a sound iteration ends the run; a spike ends the calm', () => {
  const broken = [...rows(0, DISC_WON.iterations - 1, 0, 2e5), ...row(99, 1.0, 0.8), ...rows(100, 50, 0, 2e5)];
  assert.equal(checkHealth(broken).problem, null);
  const spiky = [...rows(0, 40, 1.3, 0.7), ...row(40, 2e4, 3e4), ...rows(41, 5, 1.3, 0.7)];
  assert.deepEqual([checkHealth(spiky).calm, checkHealth(spiky).healthy], [5, false]);
  assert.equal(checkHealth([]).healthy, false, 'no rows, nothing to judge');
});
