// The steps-per-frame chooser on its own (no browser): fixed settings,
// auto's smoothed target, its clamps and the backlog guard.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseSteps, FRAME_BUDGET_MS, MAX_STEPS_PER_FRAME } from '../../www/steps.js';

// Auto frames with a steady measurement and no backlog, from `start`:
// the targets one after another.
function autoTargets(msPerIteration, start, frames) {
  const targets = [];
  let previous = start;
  for (let i = 0; i < frames; i += 1) {
    ({ target: previous } = chooseSteps({ setting: 'auto', backlog: 0, msPerIteration, previous }));
    targets.push(previous);
  }
  return targets;
}

test('the budget and the cap are what the page was tuned for', () => {
  assert.equal(FRAME_BUDGET_MS, 12);
  assert.equal(MAX_STEPS_PER_FRAME, 2000);
});

test('a fixed setting queues that many until the GPU is four frames behind', () => {
  const fixed = (backlog) => chooseSteps({ setting: 10, backlog, msPerIteration: 0.1, previous: 7 });
  assert.deepEqual(fixed(0), { steps: 10, target: 7 }, 'the auto target is left alone');
  assert.deepEqual(fixed(40), { steps: 10, target: 7 });
  assert.deepEqual(fixed(41), { steps: 0, target: 7 });
  assert.deepEqual(chooseSteps({ setting: 1, backlog: 4, msPerIteration: undefined, previous: 1 }), {
    steps: 1,
    target: 1,
  });
  assert.deepEqual(chooseSteps({ setting: 1, backlog: 5, msPerIteration: undefined, previous: 1 }), {
    steps: 0,
    target: 1,
  });
});

test('auto before the first measurement queues one at a time', () => {
  const unmeasured = (backlog) => chooseSteps({ setting: 'auto', backlog, msPerIteration: undefined, previous: 5 });
  assert.deepEqual(unmeasured(0), { steps: 1, target: 5 });
  assert.deepEqual(unmeasured(1), { steps: 0, target: 5 }, 'nothing while one is still queued');
});

test('auto converges towards the budget over the measured time per iteration', () => {
  // 12 ms / 0.1 ms = 120 iterations fit a frame.
  const up = autoTargets(0.1, 1, 30);
  assert.deepEqual(up.slice(0, 4), [37, 62, 79, 91]);
  for (let i = 1; i < up.length; i += 1) assert.ok(up[i] >= up[i - 1], `rising: ${up}`);
  assert.ok(up.every((target) => target <= 120), `never past the ideal: ${up}`);
  assert.ok(Math.abs(up.at(-1) - 120) <= 1, `close to 120 after 30 frames: ${up.at(-1)}`);

  const down = autoTargets(0.1, 1000, 30);
  assert.deepEqual(down.slice(0, 3), [736, 551, 422]);
  for (let i = 1; i < down.length; i += 1) assert.ok(down[i] <= down[i - 1], `falling: ${down}`);
  assert.ok(Math.abs(down.at(-1) - 120) <= 1, `close to 120 after 30 frames: ${down.at(-1)}`);

  // An ideal already reached is kept.
  assert.deepEqual(autoTargets(0.5, 24, 5), [24, 24, 24, 24, 24]);
});

test('auto aims at whole iterations, at least one and at most the cap', () => {
  // 12 / 5 = 2.4 fit: the ideal is 2, so from 1 the target stays 1 (3 would make it 2).
  assert.equal(chooseSteps({ setting: 'auto', backlog: 0, msPerIteration: 5, previous: 1 }).target, 1);
  // A slow GPU (12 / 1000 fits none) still aims at one: from 2 the target
  // stays 2, where an ideal of 0 would pull it to 1.
  assert.deepEqual(chooseSteps({ setting: 'auto', backlog: 0, msPerIteration: 1000, previous: 2 }), {
    steps: 2,
    target: 2,
  });
  assert.deepEqual(chooseSteps({ setting: 'auto', backlog: 0, msPerIteration: 1000, previous: 1 }), {
    steps: 1,
    target: 1,
  });
  // Even from a target of 0, which smoothing alone would keep at 0.
  assert.equal(chooseSteps({ setting: 'auto', backlog: 0, msPerIteration: 12, previous: 0 }).target, 1);
  // A fast GPU (12 / 0.001 = 12,000 fit) is held to the cap.
  assert.equal(chooseSteps({ setting: 'auto', backlog: 0, msPerIteration: 0.001, previous: 1 }).target, 601);
  assert.equal(chooseSteps({ setting: 'auto', backlog: 0, msPerIteration: 0.001, previous: 2000 }).target, 2000);
  // Too fast to measure (0 ms) is a measurement too: the cap, not one at a time.
  assert.deepEqual(chooseSteps({ setting: 'auto', backlog: 0, msPerIteration: 0, previous: 2000 }), {
    steps: 2000,
    target: 2000,
  });
  assert.ok(autoTargets(0.001, 1, 60).every((target) => target <= MAX_STEPS_PER_FRAME));
});

test('auto moves 30% of the way each frame, not all at once', () => {
  // From 10 towards 120: 0.7 × 10 + 0.3 × 120 = 43, then 0.7 × 43 + 36 = 66.1.
  const [first, second] = autoTargets(0.1, 10, 2);
  assert.equal(first, 43);
  assert.equal(second, 66);
  // A sudden slowdown (ideal 1) takes several frames to come down from 100.
  const falling = autoTargets(12, 100, 3);
  assert.deepEqual(falling, [70, 49, 35]);
});

test('auto queues nothing while the GPU is more than two frames behind', () => {
  // Ideal 10 (12 / 1.2), already reached: 20 queued is fine, 21 is not.
  const auto = (backlog, previous = 10, msPerIteration = 1.2) =>
    chooseSteps({ setting: 'auto', backlog, msPerIteration, previous });
  assert.deepEqual(auto(20), { steps: 10, target: 10 });
  assert.deepEqual(auto(21), { steps: 0, target: 10 }, 'the target still updates');
  // The guard uses this frame's target (43), not the last one (10).
  assert.deepEqual(auto(80, 10, 0.1), { steps: 43, target: 43 });
  assert.deepEqual(auto(87, 10, 0.1), { steps: 0, target: 43 });
});

test('links cannot ask for more iterations per frame than the frame loop picks', async () => {
  const { parseState } = await import('../../www/state.js');
  // The view's keys need no engine schema.
  const ok = parseState(`#steps=${MAX_STEPS_PER_FRAME}`, []);
  assert.equal(ok.view.steps, MAX_STEPS_PER_FRAME);
  const tooMany = parseState(`#steps=${MAX_STEPS_PER_FRAME + 1}`, []);
  assert.equal(tooMany.view.steps, 'auto');
  assert.match(tooMany.errors.join(' '), new RegExp(`steps=${MAX_STEPS_PER_FRAME + 1}.*1 to ${MAX_STEPS_PER_FRAME}`));
});
