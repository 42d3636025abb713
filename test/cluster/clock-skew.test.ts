import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CreateJobQueueCommand, type JobStateTimeLimitAction, SubmitJobCommand } from '@aws-sdk/client-batch';
import { Cluster } from '../helpers/cluster.js';
import { createEnvironment, createQueue, shellDefinition, uniqueName } from '../helpers/fixtures.js';
import { describeJob, waitFor, waitForEnd } from '../helpers/wait.js';

/** From Debian's `faketime` package, which `scripts/setup.sh --test` installs. */
const LIBFAKETIME = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/faketime/libfaketime.so.1`;
const NEVER_FITS = 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE';

/**
 * A replica whose clock is 15 minutes ahead (libfaketime; only the wall clock, so Node's timers
 * run as usual) leads the cluster. Everything Barge records and compares is on PostgreSQL's
 * clock, so nothing changes: times it records match the others', a 600 s RUNNABLE time limit is
 * not reached early, the lease is neither kept nor lost for the skew, and jobs run once.
 */
describe('a replica with a skewed clock', () => {
  let cluster: Cluster;

  before(async () => {
    assert.ok(existsSync(LIBFAKETIME), `${LIBFAKETIME} is missing: install the faketime package (scripts/setup.sh --test does)`);
    cluster = await Cluster.start({ replicas: 2, leaseSeconds: 4, args: ['--stop-grace-seconds', '2'] });
    await cluster.startReplica(2, { LD_PRELOAD: LIBFAKETIME, FAKETIME: '+900s', DONT_FAKE_MONOTONIC: '1' });
  });

  after(async () => {
    await cluster?.stop();
  });

  test('it leads, records times on the shared clock, and runs jobs once, with time limits kept', async () => {
    const client = cluster.client(0);
    const ce = await createEnvironment(client, { maxvCpus: 1 });
    const queueName = uniqueName('q');
    const action: JobStateTimeLimitAction = { state: 'RUNNABLE', reason: NEVER_FITS, maxTimeSeconds: 600, action: 'CANCEL' };
    await client.send(new CreateJobQueueCommand({ jobQueueName: queueName, priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce.arn }], jobStateTimeLimitActions: [action] }));
    const tooBig = await shellDefinition(client, 'true', { vcpus: 4 });
    const waiting = (await client.send(new SubmitJobCommand({ jobName: 'never-fits', jobQueue: queueName, jobDefinition: tooBig.name }))).jobId!;

    // The skewed replica takes the lead from the others.
    for (const i of [0, 1]) await cluster.kill(i);
    assert.equal(await cluster.leader(20_000), 2);
    const skewed = cluster.client(2);

    // A job submitted on the skewed replica carries a creation time on the shared clock.
    const before = Date.now();
    const okQueue = await createQueue(skewed, (await createEnvironment(skewed, { maxvCpus: 2 })).arn);
    const echo = await shellDefinition(skewed, 'echo once');
    const ran = (await skewed.send(new SubmitJobCommand({ jobName: 'runs', jobQueue: okQueue.name, jobDefinition: echo.name }))).jobId!;
    const done = await waitForEnd(skewed, ran, 60_000);
    assert.equal(done.status, 'SUCCEEDED', done.statusReason);
    assert.equal(done.attempts?.length, 1);
    assert.ok(Math.abs(done.createdAt! - before) < 60_000, `createdAt ${done.createdAt} is near the real time ${before}, not 15 minutes ahead`);
    assert.ok(done.startedAt! - done.createdAt! < 60_000);

    // On the skewed clock the never-fitting job has waited over 600 s; on the shared one, seconds.
    await waitFor('the leader to give the waiting job its reason', async () => ((await describeJob(skewed, waiting)).statusReason?.includes(NEVER_FITS) ? true : undefined), 20_000);
    await new Promise((r) => setTimeout(r, 3000));
    const still = await describeJob(skewed, waiting);
    assert.equal(still.status, 'RUNNABLE', `not cancelled early: ${still.statusReason}`);
  });
});
