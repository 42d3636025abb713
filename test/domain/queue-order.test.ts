import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Job } from '../../src/domain/jobs/job.js';
import type { RunnableJob } from '../../src/domain/ports.js';
import type { JobQueue } from '../../src/domain/resources/job-queue.js';
import type { EnvironmentCapacity } from '../../src/domain/scheduler/capacity.js';
import { planDispatch } from '../../src/domain/scheduler/dispatch-plan.js';
import type { ShareState } from '../../src/domain/scheduler/fair-share.js';
import { dispatchOrder, type QueueJobs } from '../../src/domain/scheduler/queue-order.js';

function job(id: string, vcpus = 1): RunnableJob {
  return { job: { jobId: id, spec: { reservation: { vcpus } } } as unknown as Job, vcpus, statusChangedAt: 0 };
}

function share(shareIdentifier: string, jobs: RunnableJob[], usage: Partial<ShareState> = {}) {
  return { state: { shareIdentifier, runningVcpus: 0, recentVcpuSeconds: 0, weight: 1, ...usage }, jobs };
}

const ids = (jobs: RunnableJob[]) => jobs.map((j) => j.job.jobId).join(' ');

const cases: { name: string; input: QueueJobs; limit?: number; fitsAt?: number; order: string }[] = [
  { name: 'FIFO keeps the order it is given', input: { fifo: [job('c'), job('a'), job('b')] }, order: 'c a b' },
  { name: 'FIFO stops at the limit', input: { fifo: [job('a'), job('b'), job('c')] }, limit: 2, order: 'a b' },
  {
    name: 'equal weights alternate between shares, ties going to the lower share identifier',
    input: { fairShare: { policy: undefined, shares: [share('B', [job('b1'), job('b2')]), share('A', [job('a1'), job('a2'), job('a3')])] } },
    order: 'a1 b1 a2 b2 a3',
  },
  {
    name: 'a weight of 0.25 gets four jobs for every one of a weight-1 share',
    input: { fairShare: { policy: undefined, shares: [share('X', [job('x1'), job('x2'), job('x3')]), share('F', [job('f1'), job('f2'), job('f3'), job('f4'), job('f5')], { weight: 0.25 })] } },
    order: 'f1 x1 f2 f3 f4 f5 x2 x3',
  },
  {
    name: 'a share already holding capacity comes after one that holds none',
    input: { fairShare: { policy: undefined, shares: [share('A', [job('a1'), job('a2')], { runningVcpus: 2 }), share('B', [job('b1'), job('b2')])] } },
    order: 'b1 b2 a1 a2',
  },
  {
    name: 'usage within shareDecaySeconds counts, spread over the window',
    input: {
      fairShare: {
        policy: { shareDecaySeconds: 1000 },
        shares: [share('A', [job('a1'), job('a2')], { recentVcpuSeconds: 1500 }), share('B', [job('b1'), job('b2'), job('b3')])],
      },
    },
    order: 'b1 b2 a1 b3 a2',
  },
  {
    name: 'inside a share the given order (scheduling priority, then age) is kept',
    input: { fairShare: { policy: undefined, shares: [share('A', [job('urgent'), job('old'), job('new')])] } },
    order: 'urgent old new',
  },
  {
    name: 'bigger jobs use up more of their share',
    input: { fairShare: { policy: undefined, shares: [share('A', [job('a1', 4), job('a2', 4)]), share('B', [job('b1'), job('b2'), job('b3'), job('b4'), job('b5')])] } },
    order: 'a1 b1 b2 b3 b4 a2 b5',
  },
  {
    name: 'a job that can never fit takes its turn but uses up nothing of its share',
    input: { fairShare: { policy: undefined, shares: [share('A', [job('huge', 64), job('a1')]), share('B', [job('b1'), job('b2')])] } },
    fitsAt: 8,
    order: 'huge a1 b1 b2',
  },
];

for (const c of cases) {
  test(`dispatch order: ${c.name}`, () => {
    const fitsAt = c.fitsAt ?? Infinity;
    assert.equal(ids(dispatchOrder(c.input, c.limit ?? 100, (j) => j.vcpus <= fitsAt)), c.order);
  });
}

test('the planner places jobs in the order dispatchOrder lists, and counts positions in it', () => {
  const input = (): QueueJobs => ({
    fairShare: { policy: undefined, shares: [share('X', [job('x1'), job('x2'), job('x3')]), share('F', [job('f1'), job('f2'), job('f3'), job('f4')], { weight: 0.25 })] },
  });
  const ce: EnvironmentCapacity = { arn: 'arn:ce/ce', name: 'ce', maxVcpus: 3, inUse: 0, accepting: true, state: 'ENABLED', status: 'VALID' };
  const queue: JobQueue = { name: 'fs', arn: 'arn:q/fs', state: 'ENABLED', status: 'VALID', priority: 1, computeEnvironmentOrder: [], jobStateTimeLimitActions: [], tags: {}, createdAt: 0 };
  const plan = planDispatch([{ queue, envs: [ce], ...input() }]);
  const order = dispatchOrder(input(), 100).map((j) => j.job.jobId);
  assert.deepEqual(order, ['f1', 'x1', 'f2', 'f3', 'f4', 'x2', 'x3']);
  assert.deepEqual(plan.placements.map((p) => p.job.job.jobId), order.slice(0, 3));
  assert.match(plan.reasons.get('f3')!.text, /first in line/);
  assert.match(plan.reasons.get('f4')!.text, /1 job ahead of it/);
  assert.match(plan.reasons.get('x2')!.text, /2 jobs ahead of it/);
  assert.match(plan.reasons.get('x3')!.text, /3 jobs ahead of it/);
});
