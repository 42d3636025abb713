import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Job, JobDependency } from '../../src/domain/jobs/job.js';
import { DependencyProgress } from '../../src/domain/jobs/progress.js';
import { silentLogger } from '../../src/domain/logger.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { jobRecord } from '../helpers/job-records.js';


function job(jobId: string, dependsOn: JobDependency[] = []): Job {
  return jobRecord(jobId, { spec: { dependsOn } });
}

/**
 * How SUBMITTED jobs move on (reference §6): jobs stored before the process started are found
 * by listing them, jobs submitted since are promoted from the note the submit left, and a job
 * that waits on another goes PENDING and is resolved by later passes either way.
 */
describe('dependency progress', () => {
  let dir: string;
  let store: SqliteStore;
  let progress: DependencyProgress;
  const statusOf = async (jobId: string) => (await store.getJobs([jobId]))[0]?.status;
  const submit = async (j: Job) => {
    await store.insertJobs([j]);
    progress.noteSubmitted(j);
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'barge-progress-'));
    store = new SqliteStore(join(dir, 'barge.db'), { synchronous: 'normal' });
    progress = new DependencyProgress(store, { now: () => 1_800_000_000_000 }, silentLogger);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('jobs stored before the first pass are found by listing them', async () => {
    await store.insertJobs([job('early'), job('early-dependant', [{ jobId: 'early' }])]);
    assert.equal(await progress.run(), 2);
    assert.equal(await statusOf('early'), 'RUNNABLE');
    assert.equal(await statusOf('early-dependant'), 'PENDING');
  });

  test('a PENDING job becomes RUNNABLE once its dependency succeeded', async () => {
    assert.equal(await progress.run(), 0);
    assert.equal(await statusOf('early-dependant'), 'PENDING');
    await store.transitionJobs([{ jobIds: ['early'], from: ['RUNNABLE'], to: 'SUCCEEDED', change: {} }]);
    assert.equal(await progress.run(), 1);
    assert.equal(await statusOf('early-dependant'), 'RUNNABLE');
  });

  test('jobs submitted later are promoted from their notes, including ones that wait', async () => {
    // A pass with nothing PENDING first, so the dependant below is found only because its
    // promotion to PENDING is remembered.
    assert.equal(await progress.run(), 0);
    await submit(job('late'));
    await submit(job('late-dependant', [{ jobId: 'late' }]));
    assert.equal(await progress.run(), 2);
    assert.equal(await statusOf('late'), 'RUNNABLE');
    assert.equal(await statusOf('late-dependant'), 'PENDING');
    await store.transitionJobs([{ jobIds: ['late'], from: ['RUNNABLE'], to: 'FAILED', change: {} }]);
    assert.equal(await progress.run(), 1);
    assert.equal(await statusOf('late-dependant'), 'FAILED');
  });

  test('a job cancelled while SUBMITTED is not moved by its note', async () => {
    await submit(job('cancelled'));
    await store.transitionJobs([{ jobIds: ['cancelled'], from: ['SUBMITTED'], to: 'FAILED', change: { isCancelled: true } }]);
    assert.equal(await progress.run(), 0);
    assert.equal(await statusOf('cancelled'), 'FAILED');
  });
});
