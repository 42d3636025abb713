import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OPERATIONS, UNSUPPORTED_OPERATIONS } from '../../../src/protocol/batch/operations/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const REFERENCE = resolve(here, '../../../../../shared/reference/aws-batch-api.md');
const README = resolve(here, '../../../../README.md');

test('every Batch error code Barge emits is one the reference documents', () => {
  const reference = readFileSync(REFERENCE, 'utf8');
  for (const code of ['ClientException', 'ServerException']) assert.match(reference, new RegExp(`\\| \`${code}\` \\| (400|500) \\|`));
  const source = readFileSync(resolve(here, '../../../../src/protocol/batch/errors.ts'), 'utf8');
  const emitted = [...source.matchAll(/'(\w+Exception)'/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(emitted)].sort(), ['ClientException', 'ServerException']);
});

test('served and refused operations together cover the whole Batch model, and README lists them', () => {
  const reference = readFileSync(REFERENCE, 'utf8');
  const model = [...reference.matchAll(/^### ([A-Z][A-Za-z]+)$/gm)].map((m) => m[1]!).sort();
  const tagOps = ['ListTagsForResource', 'TagResource', 'UntagResource'];
  const known = [...Object.keys(OPERATIONS), ...tagOps, ...UNSUPPORTED_OPERATIONS].sort();
  assert.deepEqual(known, model);
  const readme = readFileSync(README, 'utf8');
  for (const op of [...Object.keys(OPERATIONS), ...tagOps, ...UNSUPPORTED_OPERATIONS]) assert.match(readme, new RegExp(`\\b${op}\\b`), op);
});
