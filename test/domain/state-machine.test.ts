import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JOB_STATUSES, type JobStatus } from '../../src/domain/jobs/job.js';
import { canTransition, isCancellable, sourcesOf } from '../../src/domain/jobs/state-machine.js';

// The full transition table of reference §6, as data: every pair not listed is forbidden.
const ALLOWED: [JobStatus, JobStatus][] = [
  ['SUBMITTED', 'PENDING'],
  ['SUBMITTED', 'RUNNABLE'],
  ['SUBMITTED', 'FAILED'],
  ['PENDING', 'RUNNABLE'],
  ['PENDING', 'SUCCEEDED'],
  ['PENDING', 'FAILED'],
  ['RUNNABLE', 'STARTING'],
  ['RUNNABLE', 'FAILED'],
  ['STARTING', 'RUNNING'],
  ['STARTING', 'RUNNABLE'],
  ['STARTING', 'FAILED'],
  ['RUNNING', 'SUCCEEDED'],
  ['RUNNING', 'RUNNABLE'],
  ['RUNNING', 'FAILED'],
];

test('job state machine allows exactly the transitions of AWS Batch', () => {
  for (const from of JOB_STATUSES) {
    for (const to of JOB_STATUSES) {
      const expected = ALLOWED.some(([f, t]) => f === from && t === to);
      assert.equal(canTransition(from, to), expected, `${from} → ${to}`);
    }
  }
});

test('every status change moves a job only from the statuses the table leads to its target from', () => {
  // JobTransitions takes its `from` statuses from sourcesOf (see transitions.test.ts).
  for (const to of JOB_STATUSES) {
    assert.deepEqual(sourcesOf(to), JOB_STATUSES.filter((from) => ALLOWED.some(([f, t]) => f === from && t === to)), `into ${to}`);
  }
  assert.deepEqual(sourcesOf('SUBMITTED'), []);
});

test('only jobs not yet placed can be cancelled', () => {
  assert.deepEqual(
    JOB_STATUSES.filter(isCancellable),
    ['SUBMITTED', 'PENDING', 'RUNNABLE'],
  );
});
