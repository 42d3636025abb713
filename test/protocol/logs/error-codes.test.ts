import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OPERATIONS } from '../../../src/protocol/logs/operations/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../../../..');
const REFERENCE = resolve(ROOT, '../shared/reference/cloudwatch-logs-api.md');

test('every __type the Logs adapter and the JSON 1.1 dispatcher emit is one the reference documents', () => {
  const reference = readFileSync(REFERENCE, 'utf8');
  const emitted = new Set<string>();
  for (const file of ['src/protocol/logs/errors.ts', 'src/protocol/logs/plugin.ts', 'src/protocol/json-rpc.ts']) {
    const source = readFileSync(resolve(ROOT, file), 'utf8');
    for (const m of source.matchAll(/'(\w+Exception)'/g)) emitted.add(m[1]!);
  }
  assert.deepEqual([...emitted].sort(), [
    'InvalidParameterException',
    'ResourceAlreadyExistsException',
    'ResourceNotFoundException',
    'ServiceUnavailableException',
    'UnknownOperationException',
    'ValidationException',
  ]);
  for (const code of emitted) assert.match(reference, new RegExp(`\`${code}\``), `${code} is not in the reference`);
});

test('every served operation is one the reference describes', () => {
  const reference = readFileSync(REFERENCE, 'utf8');
  const described = new Set([...reference.matchAll(/^### ([A-Z][A-Za-z]+)$/gm)].map((m) => m[1]!));
  for (const name of Object.keys(OPERATIONS)) assert.ok(described.has(name), name);
  assert.deepEqual([...described].filter((name) => !(name in OPERATIONS)), [], 'every operation the reference describes is served');
});
