import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SubmitJobCommand } from '@aws-sdk/client-batch';
import { batchClient } from '../helpers/clients.js';
import { containerExit, containersNamed } from '../helpers/docker.js';
import { createEnvironment, createQueue, shellDefinition } from '../helpers/fixtures.js';
import { logsClient, streamMessages } from '../helpers/logs-client.js';
import { makeDataDir, startBarge } from '../helpers/server.js';
import { describeJob, waitFor, waitForEnd, waitForStatus } from '../helpers/wait.js';

describe('crash safety', () => {
  test('kill -9 while jobs run: no job lost, no attempt run twice, output kept', async () => {
    const dataDir = makeDataDir();
    const hostDir = mkdtempSync(join(tmpdir(), 'barge-restart-'));
    try {
      const first = await startBarge({ dataDir });
      let client = batchClient(first.url);
      const ce = await createEnvironment(client, { maxvCpus: 4 });
      const queue = await createQueue(client, ce.arn);
      // Each run appends its id and attempt to a host file, so a second run would show.
      const def = await shellDefinition(
        client,
        'echo "$AWS_BATCH_JOB_ID $AWS_BATCH_JOB_ATTEMPT" >> /out/runs; echo "line one"; sleep $NAP; echo "line two"',
        { hostDir },
      );
      const nap = (seconds: string) => ({ containerOverrides: { environment: [{ name: 'NAP', value: seconds }] } });
      const long = await client.send(new SubmitJobCommand({ jobName: 'long', jobQueue: queue.name, jobDefinition: def.name, ...nap('6') }));
      const short = await client.send(new SubmitJobCommand({ jobName: 'short', jobQueue: queue.name, jobDefinition: def.name, ...nap('1') }));
      await waitForStatus(client, long.jobId!, ['RUNNING']);
      await waitForStatus(client, short.jobId!, ['RUNNING']);
      const queued = [];
      for (let i = 0; i < 6; i++) {
        queued.push((await client.send(new SubmitJobCommand({ jobName: `q${i}`, jobQueue: queue.name, jobDefinition: def.name, ...nap('1') }))).jobId!);
      }
      client.destroy();
      await first.kill();
      // The short job finishes while Barge is down; its result must still be recorded.
      await new Promise((r) => setTimeout(r, 2500));

      const second = await startBarge({ dataDir });
      client = batchClient(second.url);
      const logs = logsClient(second.url);
      try {
        const all = [long.jobId!, short.jobId!, ...queued];
        for (const id of all) {
          const job = await waitForEnd(client, id, 120_000);
          assert.equal(job.status, 'SUCCEEDED', `${id}: ${job.statusReason}`);
          assert.equal(job.attempts?.length, 1, `${id} ran once`);
        }
        const runs = readFileSync(join(hostDir, 'runs'), 'utf8').trim().split('\n').sort();
        assert.deepEqual(runs, all.map((id) => `${id} 1`).sort(), 'every job ran exactly once');
        for (const id of [long.jobId!, short.jobId!]) {
          const job = await describeJob(client, id);
          const messages = await waitFor('both lines', async () => {
            const m = await streamMessages(logs, '/aws/batch/job', job.container!.logStreamName!);
            return m.includes('line two') ? m : undefined;
          });
          assert.equal(messages.filter((m) => m === 'line two').length, 1, `${id}: ${messages.join('|')}`);
          assert.ok(messages.includes('line one'));
        }
        await waitFor('containers to be removed', async () => (containersNamed(`barge-`).filter((n) => all.some((id) => n.includes(id))).length === 0 ? true : undefined));
      } finally {
        client.destroy();
        logs.destroy();
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(hostDir, { recursive: true, force: true });
    }
  });

  test('SIGTERM the moment a container exits: the attempt is recorded and its container removed before Barge exits', async () => {
    const dataDir = makeDataDir();
    try {
      const first = await startBarge({ dataDir });
      let client = batchClient(first.url);
      const ce = await createEnvironment(client, { maxvCpus: 2 });
      const queue = await createQueue(client, ce.arn);
      // Output printed just before the exit keeps Barge busy storing it after the container has exited.
      const def = await shellDefinition(client, 'sleep 1; seq 1 5000');
      const { jobId } = await client.send(new SubmitJobCommand({ jobName: 'ends', jobQueue: queue.name, jobDefinition: def.name }));
      const [container] = await waitFor('the job container', async () => {
        const named = containersNamed('barge-').filter((n) => n.includes(jobId!));
        return named.length > 0 ? named : undefined;
      });
      // `docker wait` returns when the container exits: Barge is stopped then, while it has yet
      // to store the output, record the attempt and remove the container.
      assert.equal(await containerExit(container!), 0);
      client.destroy();
      assert.equal(await first.stop(), 0);
      assert.deepEqual(containersNamed('barge-').filter((n) => n.includes(jobId!)), [], 'no container of the ended attempt is left on the engine');

      const second = await startBarge({ dataDir });
      client = batchClient(second.url);
      try {
        const job = await describeJob(client, jobId!);
        assert.equal(job.status, 'SUCCEEDED', `${job.status}: ${job.statusReason}`);
        assert.equal(job.attempts?.length, 1);
        const logs = logsClient(second.url);
        const messages = await streamMessages(logs, '/aws/batch/job', job.container!.logStreamName!);
        logs.destroy();
        assert.equal(messages.length, 5000);
        assert.equal(messages.at(-1), '5000');
      } finally {
        client.destroy();
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
