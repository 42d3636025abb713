import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RepeatedFailure } from '../../src/domain/repeated-failure.js';

interface Line {
  level: 'warn' | 'info';
  msg: string;
  fields: Record<string, unknown>;
}

function recorder() {
  const lines: Line[] = [];
  const log = {
    warn: (fields: object, msg?: string) => lines.push({ level: 'warn', msg: msg ?? '', fields: fields as Record<string, unknown> }),
    info: (fields: object, msg?: string) => lines.push({ level: 'info', msg: msg ?? '', fields: fields as Record<string, unknown> }),
  };
  return { lines, log };
}

test('a failure every 100 ms for 5 minutes logs the first, one summary a minute and the recovery', () => {
  const { lines, log } = recorder();
  let now = 0;
  const checkpoints = new RepeatedFailure(log, 'WAL checkpoint of logs.db', { intervalMs: 60_000, now: () => now });
  for (; now < 300_000; now += 100) checkpoints.failed(new Error('database or disk is full'));
  assert.equal(checkpoints.failing, true);
  checkpoints.succeeded();
  checkpoints.succeeded();
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg, l.fields['failures'] ?? null]),
    [
      ['warn', 'WAL checkpoint of logs.db failed; it is retried, and repeats are summarised', null],
      ['warn', 'WAL checkpoint of logs.db is still failing', 600],
      ['warn', 'WAL checkpoint of logs.db is still failing', 600],
      ['warn', 'WAL checkpoint of logs.db is still failing', 600],
      ['warn', 'WAL checkpoint of logs.db is still failing', 600],
      ['info', 'WAL checkpoint of logs.db succeeds again', 3000],
    ],
  );
  assert.equal((lines[0]!.fields['err'] as Error).message, 'database or disk is full');
  assert.equal(lines[4]!.fields['failingForMs'], 240_000);
  assert.equal(lines[5]!.fields['failedForMs'], 300_000);
  assert.equal(checkpoints.failing, false);

  // A later episode starts over with its own first line.
  checkpoints.failed('disk full again');
  assert.equal(lines.length, 7);
  assert.equal(lines[6]!.msg, 'WAL checkpoint of logs.db failed; it is retried, and repeats are summarised');
  assert.equal((lines[6]!.fields['err'] as Error).message, 'disk full again');
});

test('success without a failure before it logs nothing', () => {
  const { lines, log } = recorder();
  new RepeatedFailure(log, 'Scheduling pass').succeeded();
  assert.deepEqual(lines, []);
});
