import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SubmitJobCommand } from '@aws-sdk/client-batch';
import { createEnvironment, createQueue, shellDefinition } from '../helpers/fixtures.js';
import { useBarge } from '../helpers/server.js';
import { waitForEnd } from '../helpers/wait.js';

// AWS's minimum timeout is 60 s, so this file takes a minute: the one test that waits for real.
describe('attempt timeouts', () => {
  const server = useBarge({ args: ['--stop-grace-seconds', '1'] });

  test('a job over its attemptDurationSeconds is stopped and fails without retrying', async () => {
    const ce = await createEnvironment(server.client);
    const queue = await createQueue(server.client, ce.arn);
    const def = await shellDefinition(server.client, 'sleep 600', { timeout: 60, retryStrategy: { attempts: 3 } });
    const started = Date.now();
    const { jobId } = await server.client.send(new SubmitJobCommand({ jobName: 'slow', jobQueue: queue.name, jobDefinition: def.name }));
    const job = await waitForEnd(server.client, jobId!, 120_000);
    assert.equal(job.status, 'FAILED');
    assert.equal(job.statusReason, 'Job attempt duration exceeded timeout');
    assert.equal(job.attempts?.length, 1, 'timeouts are not retried');
    assert.ok(Date.now() - started >= 60_000);
  });
});
