import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OPERATIONS } from '../../../src/protocol/logs/operations/index.js';
import { LOGS_MODEL_ERRORS, LOGS_SERVED_OPERATIONS } from '../../fixtures/aws-models.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../../../..');

test('every __type the Logs adapter and the JSON 1.1 dispatcher emit is one the Logs model declares', () => {
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
  for (const code of emitted) assert.ok((LOGS_MODEL_ERRORS as readonly string[]).includes(code), `${code} is not in the Logs model`);
});

test('Barge serves exactly the Logs operations it documents', () => {
  assert.deepEqual(Object.keys(OPERATIONS).sort(), [...LOGS_SERVED_OPERATIONS].sort());
});
