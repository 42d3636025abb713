import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { DescribeJobsCommand, type JobDetail, ListJobsCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { Cluster } from '../helpers/cluster.js';
import { createEnvironment, createQueue, shellDefinition } from '../helpers/fixtures.js';
import { logsClient } from '../helpers/logs-client.js';
import { waitFor } from '../helpers/wait.js';

const ARRAY_SIZE = 60;
const CHAIN_LENGTH = 6;
const KILLS = 10;

/**
 * Records every container the engine creates for the cluster's jobs (`docker events`), so a
 * container created twice for one attempt would show.
 */
class CreatedContainers {
  readonly names: string[] = [];
  private readonly child: ChildProcess;

  constructor() {
    this.child = spawn('docker', ['events', '--format', '{{json .}}', '--filter', 'type=container', '--filter', 'event=create'], {
      env: { ...process.env, DOCKER_API_VERSION: '1.41' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as { Actor?: { Attributes?: Record<string, string> } };
      const name = event.Actor?.Attributes?.['name'];
      if (name) this.names.push(name);
    });
  }

  stop(): void {
    this.child.kill();
  }
}

/**
 * kill -9 of the leader, ten times, while a 60-child array and a chain of six jobs run on three
 * replicas: each time another replica leads within 15 s, running containers keep running, every
 * child and every link of the chain runs exactly once and succeeds, and no container is created
 * twice. Each attempt appends a line to a host-mounted file, so an attempt run twice would show.
 */
describe('failover: kill -9 of the leader under an array and a chain', () => {
  let cluster: Cluster;
  let hostDir: string;
  let created: CreatedContainers;

  before(async () => {
    hostDir = mkdtempSync(join(tmpdir(), 'barge-failover-'));
    created = new CreatedContainers();
    cluster = await Cluster.start({ replicas: 3, leaseSeconds: 4, args: ['--stop-grace-seconds', '2'] });
  });

  after(async () => {
    created?.stop();
    await cluster?.stop();
    if (hostDir) rmSync(hostDir, { recursive: true, force: true });
  });

  test('every job ends once, every child has one attempt, no container is created twice, a new leader within 15 s', async () => {
    const first = await cluster.leader();
    const client = cluster.client(first);
    const ce = await createEnvironment(client, { maxvCpus: 6 });
    const queue = await createQueue(client, ce.arn);
    // Three lines over ~1.5 s, then a line in the shared file: the attempt ran.
    const script =
      'for i in 1 2 3; do echo "line $i"; sleep 0.5; done; echo "$AWS_BATCH_JOB_ID $AWS_BATCH_JOB_ATTEMPT" >> /out/runs';
    const definition = await shellDefinition(client, script, { hostDir, retryStrategy: { attempts: 3 } });
    const array = (await client.send(new SubmitJobCommand({ jobName: 'array', jobQueue: queue.name, jobDefinition: definition.name, arrayProperties: { size: ARRAY_SIZE } }))).jobId!;
    const chain: string[] = [];
    for (let i = 0; i < CHAIN_LENGTH; i++) {
      const dependsOn = i === 0 ? [] : [{ jobId: chain[i - 1]! }];
      chain.push((await client.send(new SubmitJobCommand({ jobName: `link-${i}`, jobQueue: queue.name, jobDefinition: definition.name, dependsOn }))).jobId!);
    }

    const failovers: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      await new Promise((r) => setTimeout(r, 1500));
      const leader = await cluster.leader();
      const killedAt = Date.now();
      await cluster.kill(leader);
      const next = await cluster.leader(20_000);
      failovers.push(Date.now() - killedAt);
      assert.notEqual(next, leader);
      await cluster.startReplica(leader);
    }
    assert.ok(Math.max(...failovers) <= 15_000, `a new leader within 15 s each time: ${failovers.join(', ')} ms`);

    const reader = cluster.client(cluster.running[0]!);
    const children = Array.from({ length: ARRAY_SIZE }, (_, i) => `${array}:${i}`);
    const all = [array, ...chain, ...children];
    const ended = await waitFor('every job to end', async () => {
      const jobs: JobDetail[] = [];
      for (let i = 0; i < all.length; i += 100) jobs.push(...((await reader.send(new DescribeJobsCommand({ jobs: all.slice(i, i + 100) }))).jobs ?? []));
      return jobs.length === all.length && jobs.every((j) => j.status === 'SUCCEEDED' || j.status === 'FAILED') ? jobs : undefined;
    }, 240_000, 1000);
    for (const job of ended) assert.equal(job.status, 'SUCCEEDED', `${job.jobId}: ${job.statusReason} ${JSON.stringify(job.attempts)}`);
    for (const job of ended.filter((j) => j.jobId !== array)) assert.equal(job.attempts?.length, 1, `${job.jobId} ran one attempt: ${JSON.stringify(job.attempts)}`);

    const runs = readFileSync(join(hostDir, 'runs'), 'utf8').trim().split('\n');
    assert.equal(runs.length, ARRAY_SIZE + CHAIN_LENGTH, 'one line per attempt');
    assert.equal(new Set(runs).size, runs.length, 'no attempt ran twice');
    for (const line of runs) assert.match(line, / 1$/);

    const ours = created.names.filter((n) => all.some((id) => n.includes(id.replace(':', '_'))));
    assert.ok(ours.length >= ARRAY_SIZE + CHAIN_LENGTH, `the events recorded the containers (${ours.length})`);
    assert.equal(new Set(ours).size, ours.length, `no container was created twice: ${ours.filter((n, i) => ours.indexOf(n) !== i).join(', ')}`);

    // Logs continued across the failovers: each job's stream has its three lines once, in order.
    const logs = logsClient(cluster.replica(cluster.running[0]!).url);
    try {
      for (const job of ended.filter((j) => j.jobId !== array)) {
        const stream = job.attempts![0]!.container!.logStreamName!;
        const events = (await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/batch/job', logStreamName: stream, startFromHead: true }))).events ?? [];
        assert.deepEqual(events.map((e) => e.message), ['line 1', 'line 2', 'line 3'], `${job.jobId}'s log`);
      }
    } finally {
      logs.destroy();
    }
    const listed = (await reader.send(new ListJobsCommand({ arrayJobId: array, jobStatus: 'SUCCEEDED' }))).jobSummaryList ?? [];
    assert.equal(listed.length, ARRAY_SIZE);
  });
});
