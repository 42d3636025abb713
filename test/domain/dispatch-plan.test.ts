import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Job } from '../../src/domain/jobs/job.js';
import type { RunnableJob } from '../../src/domain/ports.js';
import type { JobQueue } from '../../src/domain/resources/job-queue.js';
import type { EnvironmentCapacity } from '../../src/domain/scheduler/capacity.js';
import { planDispatch, type QueueInput } from '../../src/domain/scheduler/dispatch-plan.js';
import { timeLimitCancellations } from '../../src/domain/scheduler/time-limits.js';
import { render } from '../../src/domain/scheduler/wait-reasons.js';

function env(name: string, maxVcpus: number, inUse = 0, accepting = true): EnvironmentCapacity {
  return { arn: `arn:ce/${name}`, name, maxVcpus, inUse, accepting, state: accepting ? 'ENABLED' : 'DISABLED', status: 'VALID' };
}

function queue(name: string, priority = 1, state: 'ENABLED' | 'DISABLED' = 'ENABLED'): JobQueue {
  return { name, arn: `arn:q/${name}`, state, status: 'VALID', priority, computeEnvironmentOrder: [], jobStateTimeLimitActions: [], tags: {}, createdAt: 0 };
}

function job(id: string, vcpus: number, statusChangedAt = 0): RunnableJob {
  return { job: { jobId: id, spec: { reservation: { vcpus } } } as unknown as Job, vcpus, statusChangedAt };
}

const placed = (plan: ReturnType<typeof planDispatch>) => plan.placements.map((p) => `${p.job.job.jobId}@${p.env.name}`);

test('FIFO within capacity: three 10-vCPU jobs fit in 36, the fourth waits with the numbers', () => {
  const ce = env('ce', 36);
  const plan = planDispatch([{ queue: queue('q'), envs: [ce], fifo: [job('a', 10), job('b', 10), job('c', 10), job('d', 10), job('e', 10)] }]);
  assert.deepEqual(placed(plan), ['a@ce', 'b@ce', 'c@ce']);
  assert.equal(render(plan.reasons.get('d')!), 'Waiting for capacity: the job needs 10 vCPUs (ce: 30 of 36 vCPUs in use); first in line in job queue q');
  assert.match(render(plan.reasons.get('e')!), /1 job ahead of it/);
});

test('environments are tried in order; a second one adds capacity', () => {
  const plan = planDispatch([{ queue: queue('q'), envs: [env('big', 36), env('small', 24)], fifo: Array.from({ length: 6 }, (_, i) => job(`j${i}`, 10)) }]);
  assert.deepEqual(placed(plan), ['j0@big', 'j1@big', 'j2@big', 'j3@small', 'j4@small']);
});

test('a job that can never fit is skipped with a reason and blocks nobody', () => {
  const plan = planDispatch([{ queue: queue('q'), envs: [env('ce', 36)], fifo: [job('huge', 72), job('small', 1)] }]);
  assert.deepEqual(placed(plan), ['small@ce']);
  assert.equal(plan.reasons.get('huge')!.code, 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE');
  assert.match(plan.reasons.get('huge')!.text, /needs 72 vCPUs but the largest compute environment of job queue q allows 36/);
});

test('a job waiting for capacity holds back later jobs of its queue and lower-priority queues', () => {
  const shared = env('ce', 10, 6);
  const plan = planDispatch([
    { queue: queue('high', 10), envs: [shared], fifo: [job('big', 8), job('tiny', 1)] },
    { queue: queue('low', 1), envs: [shared], fifo: [job('lowjob', 1)] },
  ]);
  assert.deepEqual(placed(plan), []);
  assert.match(render(plan.reasons.get('lowjob')!), /higher-priority job queue high/);
  assert.equal(plan.queues.get('arn:q/high')!.state, 'blocked');
});

test('higher priority goes first when both fit', () => {
  const shared = env('ce', 1);
  const plan = planDispatch([
    { queue: queue('high', 10), envs: [shared], fifo: [job('h', 1)] },
    { queue: queue('low', 1), envs: [shared], fifo: [job('l', 1)] },
  ]);
  assert.deepEqual(placed(plan), ['h@ce']);
});

test('disabled queues and environments dispatch nothing and say so', () => {
  const plan = planDispatch([
    { queue: queue('off', 1, 'DISABLED'), envs: [env('ce', 4)], fifo: [job('a', 1)] },
    { queue: queue('noenv'), envs: [env('ce2', 4, 0, false)], fifo: [job('b', 1)] },
  ]);
  assert.deepEqual(placed(plan), []);
  assert.match(render(plan.reasons.get('a')!), /is DISABLED/);
  assert.match(render(plan.reasons.get('b')!), /^ACTION_REQUIRED - no compute environment of job queue noenv takes new jobs \(ce2: DISABLED\)/);
});

test('fair share: the share with the lowest weighted usage goes next', () => {
  const ce = env('ce', 3);
  const input: QueueInput = {
    queue: queue('fs'),
    envs: [ce],
    fairShare: {
      policy: { shareDistribution: [{ shareIdentifier: 'heavy', weightFactor: 1 }] },
      shares: [
        { state: { shareIdentifier: 'A', runningVcpus: 0, recentVcpuSeconds: 0, weight: 1 }, jobs: [job('a1', 1), job('a2', 1), job('a3', 1)] },
        { state: { shareIdentifier: 'B', runningVcpus: 0, recentVcpuSeconds: 0, weight: 1 }, jobs: [job('b1', 1), job('b2', 1)] },
      ],
    },
  };
  assert.deepEqual(placed(planDispatch([input])), ['a1@ce', 'b1@ce', 'a2@ce']);
});

test('fair share: a lower weight gets more of the capacity', () => {
  const ce = env('ce', 4);
  const plan = planDispatch([
    {
      queue: queue('fs'),
      envs: [ce],
      fairShare: {
        policy: undefined,
        shares: [
          { state: { shareIdentifier: 'A', runningVcpus: 0, recentVcpuSeconds: 0, weight: 0.25 }, jobs: [job('a1', 1), job('a2', 1), job('a3', 1), job('a4', 1)] },
          { state: { shareIdentifier: 'B', runningVcpus: 0, recentVcpuSeconds: 0, weight: 1 }, jobs: [job('b1', 1), job('b2', 1)] },
        ],
      },
    },
  ]);
  assert.deepEqual(placed(plan).filter((p) => p.startsWith('a')).length, 3);
});

test('time-limit actions cancel jobs that waited long enough with the matching code', () => {
  const q = { ...queue('q'), jobStateTimeLimitActions: [{ reason: 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE', state: 'RUNNABLE' as const, maxTimeSeconds: 600, action: 'CANCEL' as const }] };
  const plan = planDispatch([{ queue: q, envs: [env('ce', 4)], fifo: [job('old', 8, 0), job('new', 8, 500_000)] }]);
  assert.deepEqual(timeLimitCancellations(q, [job('old', 8, 0), job('new', 8, 500_000)], plan.reasons, 600_000), [
    { jobId: 'old', statusReason: 'Canceled by JobStateTimeLimit action due to reason: MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE' },
  ]);
});
