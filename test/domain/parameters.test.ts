import assert from 'node:assert/strict';
import { test } from 'node:test';
import { substituteParameters, substitutionGrowth } from '../../src/domain/resources/parameters.js';
import { jsonBytes } from '../../src/domain/resources/payload-quotas.js';

test('substitutionGrowth is what substitution adds to the command JSON, without building it', () => {
  const cases: [string[], Record<string, string>][] = [
    [['echo', 'Ref::a'], { a: 'hello' }],
    [['echo', 'Ref::a'], {}],
    [['Ref::ab Ref::a Ref::abc', '--x=Ref::a,Ref::missing'], { a: '1', ab: 'twenty-two' }],
    [['Ref::q'], { q: 'say "hi"\\ \n\t\u0001' }],
    [['Ref::u', 'Ref::u'], { u: 'é€😀 ünï' }],
    [['Ref::long'], { long: '' }],
    [['Ref::a.b', 'Ref::aXb'], { 'a.b': 'dot' }],
    [['x'.repeat(50), 'Ref::p'.repeat(200)], { p: 'y'.repeat(1000) }],
  ];
  for (const [command, parameters] of cases) {
    const expected = jsonBytes(substituteParameters(command, parameters)) - jsonBytes(command);
    assert.equal(substitutionGrowth(command, parameters), expected, JSON.stringify([command, parameters]));
  }
});

test('substitutionGrowth sizes an expansion of hundreds of megabytes in a moment', () => {
  // The shape: a 500 KB parameter used 1,000 times. Building it takes seconds and GBs.
  const started = process.hrtime.bigint();
  const growth = substitutionGrowth(Array.from({ length: 1000 }, () => 'Ref::big'), { big: 'x'.repeat(500_000) });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  assert.equal(growth, 1000 * (500_000 - 'Ref::big'.length));
  assert.ok(elapsedMs < 1000, `took ${elapsedMs} ms`);
});
