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
    lines.map((l) => [l.level, l.msg, l.fields['failures']]),
    [
      ['warn', 'WAL checkpoint of logs.db failed; it is retried', 1],
      ['warn', 'WAL checkpoint of logs.db is still failing', 600],
      ['warn', 'WAL checkpoint of logs.db is still failing', 600],
      ['warn', 'WAL checkpoint of logs.db is still failing', 600],
      ['warn', 'WAL checkpoint of logs.db is still failing', 600],
      ['info', 'WAL checkpoint of logs.db succeeds again', 599],
    ],
  );
  assert.equal((lines[0]!.fields['err'] as Error).message, 'database or disk is full');
  assert.equal(lines[4]!.fields['failingForMs'], 240_000);
  assert.equal(lines[5]!.fields['failedForMs'], 300_000);
  assert.equal(checkpoints.failing, false);

  // A failure long after the recovery is a new episode, logged at once.
  now += 60_000;
  checkpoints.failed('disk full again', { jobId: 'j-1' });
  assert.equal(lines.length, 7);
  assert.deepEqual([lines[6]!.msg, lines[6]!.fields['jobId']], ['WAL checkpoint of logs.db failed; it is retried', 'j-1']);
  assert.equal((lines[6]!.fields['err'] as Error).message, 'disk full again');
});

test('work that flaps between failing and succeeding logs at most a warning and a recovery a minute', () => {
  const { lines, log } = recorder();
  let now = 0;
  const writes = new RepeatedFailure(log, 'Storing job output', { intervalMs: 60_000, now: () => now });
  for (; now < 300_000; now += 500) {
    if ((now / 500) % 3 === 2) writes.succeeded();
    else writes.failed(new Error('full'));
  }
  writes.succeeded();
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg]),
    Array.from({ length: 5 }, () => [
      ['warn', 'Storing job output failed; it is retried'],
      ['info', 'Storing job output succeeds again'],
    ]).flat(),
    'one warning a minute, each followed by the recovery that ends it',
  );
});

test('success without a failure before it logs nothing', () => {
  const { lines, log } = recorder();
  new RepeatedFailure(log, 'Scheduling pass').succeeded();
  assert.deepEqual(lines, []);
});
