// Property tests (fast-check) of what arrives from outside in Node, no
// browser needed: random link hashes through the page's parser and the
// engine, and random or deliberately odd JS values into the engine's
// static functions. Each property runs RUNS cases; a failure prints the
// smallest case fast-check finds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadEngine } from './engine-node.mjs';
import { MODEL_KEYS, VIEW_FIELDS, formatState, parseState } from '../../www/state.js';

const RUNS = 2000;
const Trainer = await loadEngine();
const schema = Trainer.schema();
const KEYS = [...Object.values(MODEL_KEYS), ...VIEW_FIELDS.map((spec) => spec.key)];

// A value a link might carry for any key: numbers in and out of every
// range, lists, words the parser knows, and arbitrary text.
const linkValue = fc.oneof(
  fc.integer({ min: -10, max: 5000 }).map(String),
  fc.double().map(String),
  fc.double({ min: 0, max: 1, noNaN: true }).map(String),
  fc.array(fc.integer({ min: -2, max: 5000 }), { maxLength: 10 }).map((widths) => widths.join(',')),
  fc.constantFrom('', 'NaN', 'Infinity', '-0', '1e309', '0x10', '1_0', ' 5', 'relu', 'leaky_relu', 'ring8', 'mnist', '1', '0', 'auto', 'true'),
  fc.string({ maxLength: 30 }),
);
const linkHash = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), linkValue), { maxLength: 10 })
  .map((pairs) => `#${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`);

// The engine answered: a value, or an Error with a message (never a trap,
// which reads "unreachable" or "memory access out of bounds").
function answers(call) {
  try {
    call();
  } catch (error) {
    assert.ok(error instanceof Error, `threw a non-Error: ${String(error)}`);
    assert.ok(error.message.length > 0, 'the error has a message');
    assert.doesNotMatch(error.message, /unreachable|out of bounds|null pointer|recursive use/, error.message);
  }
}

// The engine is still usable after whatever came before.
function stillWorks() {
  assert.equal(Trainer.resolve({ dataset: 'grid25', seed: 4 }).seed, 4);
  assert.equal(Trainer.defaults('ring8').dataset, 'ring8');
}

test(`random link hashes parse without throwing, and what they set the engine takes (${RUNS} + ${RUNS} cases)`, () => {
  const check = (hash) => {
    const { model, view, errors } = parseState(hash, schema);
    const params = [...new URLSearchParams(hash.slice(1))];
    assert.ok(errors.length <= params.length, 'at most one message per setting');
    for (const message of errors) {
      assert.ok(params.some(([key]) => message.includes(`"${key}"`) || message.includes(`${key}=`)), message);
    }
    assert.doesNotThrow(() => Trainer.resolve(model), `the engine takes ${JSON.stringify(model)}`);
    // What was read writes back to a link that reads the same.
    const again = parseState(formatState(model, view, {}, schema), schema);
    assert.deepEqual(again.errors, []);
    assert.deepEqual(again.model, model);
    assert.deepEqual(again.view, view);
  };
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => check(`#${text}`)), { numRuns: RUNS });
  fc.assert(fc.property(linkHash, check), { numRuns: RUNS });
});

// Values no well-meant caller passes, each a way to trap or wedge a
// module that trusts its arguments.
function oddValues() {
  const cyclic = { dataset: 'ring8' };
  cyclic.self = cyclic;
  const cyclicList = { dataset: 'ring8', genHidden: [] };
  cyclicList.genHidden.push(cyclicList.genHidden);
  let deep = { seed: 1 };
  for (let i = 0; i < 100_000; i++) deep = { seed: deep };
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
  return {
    cyclic,
    cyclicList,
    deep,
    revoked,
    wide,
    throwingGetter: Object.defineProperty({ dataset: 'ring8' }, 'seed', {
      enumerable: true,
      get() {
        throw new Error('getter says no');
      },
    }),
    throwingProxy: new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('ownKeys says no');
        },
      },
    ),
    throwingThrowsNonError: Object.defineProperty({}, 'batchSize', {
      enumerable: true,
      get() {
        throw Symbol('odd');
      },
    }),
    bigint: 5n,
    bigintField: { dataset: 'ring8', seed: 5n },
    symbol: Symbol('x'),
    symbolKey: { [Symbol('k')]: 1, dataset: 'ring8' },
    func: () => 1,
    array: [1, 2, 3],
    nullPrototype: Object.assign(Object.create(null), { dataset: 'grid25' }),
    stringObject: new String('ring8'),
    longString: 'x'.repeat(1_000_000),
    longFieldName: { ['f'.repeat(100_000)]: 1 },
    sparseGiant: { dataset: 'ring8', genHidden: new Array(10_000_000) },
    bigintList: { dataset: 'ring8', genHidden: [1n] },
    typedList: { dataset: 'ring8', genHidden: new Uint32Array([8, 8]) },
    nanField: { dataset: 'ring8', genLr: Number.NaN },
    hugeNumber: { dataset: 'ring8', batchSize: 2 ** 53 + 2 },
    wrapsToOne: { dataset: 'ring8', batchSize: 2 ** 32 + 1 },
    date: new Date(),
    dataView: new DataView(new ArrayBuffer(8)),
    int8: new Int8Array(8),
  };
}

test('odd JS values into the static functions throw an Error with a message, and the engine stays usable', () => {
  for (const [name, value] of Object.entries(oddValues())) {
    for (const [call, run] of [
      ['resolve', () => Trainer.resolve(value)],
      ['defaults', () => Trainer.defaults(value)],
      ['readCheckpoint', () => Trainer.readCheckpoint(value)],
    ]) {
      try {
        answers(run);
        stillWorks();
      } catch (error) {
        error.message = `${call}(${name}): ${error.message}`;
        throw error;
      }
    }
  }
  // Numbers are never wrapped or truncated into range.
  assert.throws(() => Trainer.resolve({ batchSize: 2 ** 32 + 1 }), /batchSize/);
  assert.throws(() => Trainer.resolve({ batchSize: 64.5 }), /batchSize/);
  assert.throws(() => Trainer.resolve({ seed: 5n }), /seed must be a number.*bigint/);
});

test(`random JS values into the static functions never trap the engine (${RUNS} cases each)`, () => {
  const anything = fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withDate: true,
    withUnicodeString: true,
  });
  const withFields = fc.record(
    Object.fromEntries(schema.map((spec) => [spec.field, anything])),
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.oneof(anything, withFields), (value) => {
      answers(() => Trainer.resolve(value));
      answers(() => Trainer.defaults(value));
      answers(() => Trainer.readCheckpoint(value));
    }),
    { numRuns: RUNS },
  );
  stillWorks();
});
