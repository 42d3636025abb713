import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  DescribeComputeEnvironmentsCommand,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  ListTagsForResourceCommand,
  SubmitJobCommand,
  TagResourceCommand,
} from '@aws-sdk/client-batch';
import { batchClient } from '../../helpers/clients.js';
import { basicSetup } from '../../helpers/fixtures.js';
import { MAIN, makeDataDir, startBarge } from '../../helpers/server.js';

describe('durability', () => {
  test('everything acknowledged survives SIGKILL and a restart', async () => {
    const dataDir = makeDataDir();
    try {
      const first = await startBarge({ dataDir });
      const client = batchClient(first.url);
      const setup = await basicSetup(client);
      await client.send(new TagResourceCommand({ resourceArn: setup.queue.arn, tags: { durable: 'yes' } }));
      // Many concurrent submits share group commits; each acknowledged one must be on disk.
      const acknowledged = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          client.send(new SubmitJobCommand({ jobName: `d${i}`, jobQueue: setup.queue.name, jobDefinition: setup.definition.name })),
        ),
      );
      const array = await client.send(
        new SubmitJobCommand({ jobName: 'arr', jobQueue: setup.queue.name, jobDefinition: setup.definition.name, arrayProperties: { size: 50 } }),
      );
      client.destroy();
      await first.kill();

      const second = await startBarge({ dataDir });
      const after = batchClient(second.url);
      try {
        const ces = await after.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: [setup.ce.name] }));
        assert.equal(ces.computeEnvironments?.length, 1);
        const queues = await after.send(new DescribeJobQueuesCommand({ jobQueues: [setup.queue.name] }));
        assert.equal(queues.jobQueues?.[0]?.jobQueueArn, setup.queue.arn);
        const tags = await after.send(new ListTagsForResourceCommand({ resourceArn: setup.queue.arn }));
        assert.equal(tags.tags?.['durable'], 'yes');
        const defs = await after.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: setup.definition.name }));
        assert.equal(defs.jobDefinitions?.[0]?.revision, 1);
        const ids = acknowledged.map((a) => a.jobId!);
        for (let i = 0; i < ids.length; i += 100) {
          const chunk = ids.slice(i, i + 100);
          const jobs = await after.send(new DescribeJobsCommand({ jobs: chunk }));
          assert.equal(jobs.jobs?.length, chunk.length, 'every acknowledged job is still there');
        }
        const parent = await after.send(new DescribeJobsCommand({ jobs: [array.jobId!, `${array.jobId}:49`] }));
        assert.equal(parent.jobs?.length, 2);
        const summary = parent.jobs?.[0]?.arrayProperties?.statusSummary ?? {};
        assert.equal(Object.values(summary).reduce((a, b) => a + b, 0), 50);
      } finally {
        after.destroy();
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a second Barge on the same data directory is refused and the first keeps serving', async () => {
    const first = await startBarge();
    const client = batchClient(first.url);
    try {
      const setup = await basicSetup(client);
      const second = spawnSync(process.execPath, [MAIN, '--port', '0', '--data-dir', first.dataDir], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(second.status, 1, second.stderr);
      assert.match(second.stderr, /barge\.db is in use by another process \(is another Barge running on this data directory\?\)/);
      const queues = await client.send(new DescribeJobQueuesCommand({ jobQueues: [setup.queue.name] }));
      assert.equal(queues.jobQueues?.[0]?.jobQueueArn, setup.queue.arn);
      await client.send(new SubmitJobCommand({ jobName: 'after', jobQueue: setup.queue.name, jobDefinition: setup.definition.name }));
    } finally {
      client.destroy();
      await first.stop();
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} shuts down cleanly with exit code 0, keeping every acknowledged write`, async () => {
      const dataDir = makeDataDir();
      try {
        const first = await startBarge({ dataDir });
        let client = batchClient(first.url);
        const setup = await basicSetup(client);
        const { jobId } = await client.send(new SubmitJobCommand({ jobName: 'kept', jobQueue: setup.queue.name, jobDefinition: setup.definition.name }));
        client.destroy();
        assert.equal(await first.stop(signal), 0);

        const second = await startBarge({ dataDir });
        client = batchClient(second.url);
        try {
          const { jobs } = await client.send(new DescribeJobsCommand({ jobs: [jobId!] }));
          assert.equal(jobs?.[0]?.jobName, 'kept');
          const queues = await client.send(new DescribeJobQueuesCommand({ jobQueues: [setup.queue.name] }));
          assert.equal(queues.jobQueues?.[0]?.jobQueueArn, setup.queue.arn);
        } finally {
          client.destroy();
          await second.stop();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
