import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type BatchClient, SubmitJobCommand, TerminateJobCommand } from '@aws-sdk/client-batch';
import { containersNamed } from '../helpers/docker.js';
import { createEnvironment, createQueue, shellDefinition } from '../helpers/fixtures.js';
import { useBarge } from '../helpers/server.js';
import { describeJob, waitFor, waitForEnd } from '../helpers/wait.js';

const SIZE = 10_000;

/** The parent's live count of its children per status. */
async function childCounts(client: BatchClient, parentId: string): Promise<Record<string, number>> {
  return (await describeJob(client, parentId)).arrayProperties?.statusSummary ?? {};
}

function total(counts: Record<string, number>, statuses: string[]): number {
  return statuses.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
}

// Throughput of large arrays is measured by the benchmark (README, "Performance"); this file
// only checks that such an array is taken, shares the machine fairly and can be stopped.
describe('a 10,000-child array job', () => {
  const server = useBarge();

  test('is accepted, leaves queues on other environments flowing, and TerminateJob on the parent stops every child', async () => {
    const client = server.client;
    const arrayCe = await createEnvironment(client, { maxvCpus: 2 });
    const arrayQueue = await createQueue(client, arrayCe.arn, { priority: 5 });
    const samePriority = await createQueue(client, (await createEnvironment(client, { maxvCpus: 1 })).arn, { priority: 5 });
    const lowerPriority = await createQueue(client, (await createEnvironment(client, { maxvCpus: 1 })).arn, { priority: 1 });
    const trivial = await shellDefinition(client, 'true');
    const quick = await shellDefinition(client, 'echo done');

    const { jobId: parentId } = await client.send(
      new SubmitJobCommand({ jobName: 'ten-thousand', jobQueue: arrayQueue.name, jobDefinition: trivial.name, arrayProperties: { size: SIZE } }),
    );
    const parent = await describeJob(client, parentId!);
    assert.equal(parent.arrayProperties?.size, SIZE);
    const counted = Object.values(parent.arrayProperties?.statusSummary ?? {}).reduce((sum, n) => sum + n, 0);
    assert.equal(counted, SIZE, 'every child exists');
    await waitFor('the first children to succeed', async () => ((await childCounts(client, parentId!))['SUCCEEDED'] ?? 0) >= 1 || undefined, 60_000);

    const others = await Promise.all(
      [samePriority, lowerPriority].map(async (queue) => (await client.send(new SubmitJobCommand({ jobName: 'other', jobQueue: queue.name, jobDefinition: quick.name }))).jobId!),
    );
    for (const [i, id] of others.entries()) {
      const job = await waitForEnd(client, id, 60_000);
      assert.equal(job.status, 'SUCCEEDED', `job on queue ${i === 0 ? samePriority.name : lowerPriority.name}: ${job.statusReason}`);
    }
    const meanwhile = await childCounts(client, parentId!);
    assert.ok(total(meanwhile, ['PENDING', 'RUNNABLE']) > 0, `the array was still waiting to run while the other queues' jobs ran: ${JSON.stringify(meanwhile)}`);

    await client.send(new TerminateJobCommand({ jobId: parentId!, reason: 'enough of this' }));
    const settled = await waitFor(
      'every child to end',
      async () => {
        const counts = await childCounts(client, parentId!);
        return total(counts, ['SUCCEEDED', 'FAILED']) === SIZE ? counts : undefined;
      },
      60_000,
    );
    assert.ok((settled['FAILED'] ?? 0) > 0, `children that had not run were terminated: ${JSON.stringify(settled)}`);
    const last = await describeJob(client, `${parentId!}:${SIZE - 1}`);
    assert.equal(last.status, 'FAILED');
    assert.equal(last.statusReason, 'enough of this');
    assert.equal(last.attempts?.length ?? 0, 0, 'the last child was never dispatched');
    const ended = await waitForEnd(client, parentId!, 60_000);
    assert.equal(ended.status, 'FAILED');
    assert.equal(ended.statusReason, 'enough of this');
    assert.equal(ended.isTerminated, true);
    await waitFor('the children\'s containers to be removed', async () => (containersNamed('barge-').some((n) => n.includes(parentId!)) ? undefined : true), 60_000);
  });
});
