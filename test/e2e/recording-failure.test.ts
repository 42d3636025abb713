import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { SubmitJobCommand } from '@aws-sdk/client-batch';
import Database from 'better-sqlite3';
import { containerExit, containersWithLabelValue } from '../helpers/docker.js';
import { createEnvironment, createQueue, shellDefinition, uniqueName } from '../helpers/fixtures.js';
import { useBarge } from '../helpers/server.js';
import { waitFor, waitForEnd, waitForStatus } from '../helpers/wait.js';

/**
 * When the result of an attempt cannot be written, the job must not stay STARTING or RUNNING
 * with no reason, holding its capacity until a restart. Here another process holds the write
 * lock of Barge's database (as a backup tool or an sqlite3 shell would) from before the
 * container exits until well after Barge's writes time out; once it lets go, the result lands.
 */
describe('an attempt whose result cannot be recorded at first', () => {
  const server = useBarge();
  let queue: string;
  before(async () => {
    const ce = await createEnvironment(server.client);
    queue = (await createQueue(server.client, ce.arn)).name;
  });

  test('is recorded once the database takes writes again: SUCCEEDED, one attempt', async () => {
    const def = await shellDefinition(server.client, 'sleep 1; echo done');
    const { jobId } = await server.client.send(new SubmitJobCommand({ jobName: uniqueName('locked'), jobQueue: queue, jobDefinition: def.name, retryStrategy: { attempts: 2 } }));
    await waitForStatus(server.client, jobId!, ['RUNNING']);
    const [container] = containersWithLabelValue('barge.job-id', jobId!);
    assert.ok(container, 'the job has a container');

    const db = new Database(join(server.barge.dataDir, 'barge.db'));
    db.exec('BEGIN IMMEDIATE');
    try {
      assert.equal(await containerExit(container), 0);
      // Barge waits 5 s for the lock (its busy timeout) before a write fails, and says so.
      await waitFor(
        'Barge to report that it could not record the end of the attempt',
        async () => (server.barge.logs.some((l) => l['jobId'] === jobId && Number(l['level']) >= 40) ? true : undefined),
        30_000,
      );
    } finally {
      db.exec('ROLLBACK');
      db.close();
    }

    assert.ok(
      server.barge.logs.some((l) => l['jobId'] === jobId && /^record the end of attempt 1/.test(String(l['what'])) && /failed; it is retried$/.test(String(l['msg']))),
      'the failed write is reported as one that is tried again',
    );
    const ended = await waitForEnd(server.client, jobId!, 60_000);
    assert.equal(ended.status, 'SUCCEEDED', ended.statusReason);
    assert.equal(ended.statusReason, 'Essential container in task exited');
    assert.equal(ended.container?.exitCode, 0);
    assert.equal(ended.attempts?.length, 1);
    await waitFor('the container to be removed', async () => (containersWithLabelValue('barge.job-id', jobId!).length === 0 ? true : undefined), 30_000);
  });
});
