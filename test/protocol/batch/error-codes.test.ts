import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OPERATIONS, UNSUPPORTED_OPERATIONS } from '../../../src/protocol/batch/operations/index.js';
import { BATCH_MODEL_ERRORS, BATCH_MODEL_OPERATIONS } from '../../fixtures/aws-models.js';

const here = dirname(fileURLToPath(import.meta.url));
const README = resolve(here, '../../../../README.md');

test('every Batch error code Barge emits is one the Batch model declares', () => {
  const source = readFileSync(resolve(here, '../../../../src/protocol/batch/errors.ts'), 'utf8');
  const emitted = [...source.matchAll(/'(\w+Exception)'/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(emitted)].sort(), Object.keys(BATCH_MODEL_ERRORS).sort());
});

test('served and refused operations together cover the whole Batch model, and README lists them', () => {
  const tagOps = ['ListTagsForResource', 'TagResource', 'UntagResource'];
  const known = [...Object.keys(OPERATIONS), ...tagOps, ...UNSUPPORTED_OPERATIONS].sort();
  assert.deepEqual(known, [...BATCH_MODEL_OPERATIONS].sort());
  const readme = readFileSync(README, 'utf8');
  for (const op of [...Object.keys(OPERATIONS), ...tagOps, ...UNSUPPORTED_OPERATIONS]) assert.match(readme, new RegExp(`\\b${op}\\b`), op);
});
