import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Job, JobStatus } from '../../src/domain/jobs/job.js';
import { JobTransitions } from '../../src/domain/jobs/transitions.js';
import type { DomainLogger } from '../../src/domain/logger.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { jobRecord } from '../helpers/job-records.js';

function job(jobId: string, status: JobStatus, extra: Partial<Job> = {}): Job {
  return jobRecord(jobId, { status, ...extra });
}

interface Line {
  level: 'info' | 'warn' | 'error' | 'debug';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

function recordingLogger(lines: Line[]): DomainLogger {
  const at = (level: Line['level']) => (obj: object, msg?: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
  const logger: DomainLogger = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: () => logger };
  return logger;
}

/**
 * JobTransitions on a real SQLite store: the one way a status changes. It moves jobs only from
 * statuses the state machine leads to the target from, logs each move from → to, and refuses
 * (writing nothing, logging a bug) a change the table lacks.
 */
describe('job transitions', () => {
  let dir: string;
  let store: SqliteStore;
  let lines: Line[];
  let transitions: JobTransitions;
  const statusOf = async (jobId: string) => (await store.getJobs([jobId]))[0]?.status;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'barge-transitions-'));
    store = new SqliteStore(join(dir, 'barge.db'), { synchronous: 'normal' });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    lines = [];
    transitions = new JobTransitions(store, recordingLogger(lines));
  });

  test('moves each job from the status it is in, among those the table allows, and logs from → to', async () => {
    await store.insertJobs([job('s', 'SUBMITTED'), job('p', 'PENDING'), job('r', 'RUNNABLE'), job('x', 'RUNNING')]);
    const moved = await transitions.apply([{ jobIds: ['s', 'p', 'r', 'x'], to: 'FAILED', from: ['SUBMITTED', 'PENDING', 'RUNNABLE'], set: { statusReason: 'gone' } }]);
    assert.deepEqual(moved.map((m) => [m.jobId, m.from, m.to]).sort(), [['p', 'PENDING', 'FAILED'], ['r', 'RUNNABLE', 'FAILED'], ['s', 'SUBMITTED', 'FAILED']]);
    assert.equal(await statusOf('x'), 'RUNNING', 'a job in a status the caller did not name is left alone');
    assert.equal((await store.getJobs(['s']))[0]?.statusReason, 'gone');
    const logged = lines.filter((l) => l.msg === 'job status changed').map((l) => [l.obj['jobId'], l.obj['from'], l.obj['to'], l.obj['reason']]).sort();
    assert.deepEqual(logged, [['p', 'PENDING', 'FAILED', 'gone'], ['r', 'RUNNABLE', 'FAILED', 'gone'], ['s', 'SUBMITTED', 'FAILED', 'gone']]);
    assert.equal(lines.filter((l) => l.level === 'error').length, 0);
  });

  test('without `from`, the table gives it: a RUNNING job can end, a SUCCEEDED one cannot move', async () => {
    await store.insertJobs([job('run', 'RUNNING'), job('done', 'SUCCEEDED')]);
    const moved = await transitions.apply([{ jobIds: ['run', 'done'], to: 'FAILED' }]);
    assert.deepEqual(moved, [{ jobId: 'run', from: 'RUNNING', to: 'FAILED' }]);
    assert.equal(await statusOf('done'), 'SUCCEEDED');
  });

  test('a change the table lacks is refused, writes nothing and is logged as a bug', async () => {
    await store.insertJobs([job('ok', 'SUCCEEDED'), job('back', 'RUNNING')]);
    const moved = await transitions.apply([
      { jobIds: ['ok'], from: ['SUCCEEDED'], to: 'RUNNABLE' },
      { jobIds: ['back'], from: ['RUNNING'], to: 'PENDING' },
      { jobIds: ['back'], to: 'SUBMITTED' },
    ]);
    assert.deepEqual(moved, []);
    assert.equal(await statusOf('ok'), 'SUCCEEDED');
    assert.equal(await statusOf('back'), 'RUNNING');
    const bugs = lines.filter((l) => l.level === 'error');
    assert.equal(bugs.length, 3);
    for (const bug of bugs) assert.match(bug.msg ?? '', /^bug: refused a job status change/);
    assert.deepEqual(bugs.map((b) => [b.obj['from'], b.obj['to']]), [[['SUCCEEDED'], 'RUNNABLE'], [['RUNNING'], 'PENDING'], [[], 'SUBMITTED']]);
    assert.equal(lines.filter((l) => l.msg === 'job status changed').length, 0);
  });

  test('a legal change refused with an illegal one in the same call still applies', async () => {
    await store.insertJobs([job('legal', 'RUNNABLE'), job('illegal', 'RUNNABLE')]);
    const moved = await transitions.apply([
      { jobIds: ['legal'], from: ['RUNNABLE'], to: 'STARTING' },
      { jobIds: ['illegal'], from: ['RUNNABLE'], to: 'RUNNING' },
    ]);
    assert.deepEqual(moved, [{ jobId: 'legal', from: 'RUNNABLE', to: 'STARTING' }]);
    assert.equal(await statusOf('illegal'), 'RUNNABLE');
  });

  test('a job that moved on meanwhile is a lost race, not a bug: nothing moves and nothing is logged as an error', async () => {
    await store.insertJobs([job('raced', 'FAILED')]);
    assert.deepEqual(await transitions.apply([{ jobIds: ['raced'], from: ['STARTING'], to: 'RUNNING' }]), []);
    assert.equal(lines.length, 0);
  });

  test('unlessTerminated leaves a job marked terminated where it is', async () => {
    await store.insertJobs([job('terminated', 'RUNNING', { isTerminated: true }), job('free', 'RUNNING')]);
    const moved = await transitions.apply([{ jobIds: ['terminated', 'free'], from: ['STARTING', 'RUNNING'], to: 'RUNNABLE', unlessTerminated: true }]);
    assert.deepEqual(moved, [{ jobId: 'free', from: 'RUNNING', to: 'RUNNABLE' }]);
    assert.equal(await statusOf('terminated'), 'RUNNING');
  });
});
