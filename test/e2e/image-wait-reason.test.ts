import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type BatchClient, ListJobsCommand, SubmitJobCommand, UpdateComputeEnvironmentCommand } from '@aws-sdk/client-batch';
import { createEnvironment, createQueue, shellDefinition } from '../helpers/fixtures.js';
import { useBarge } from '../helpers/server.js';
import { describeJob, waitFor, waitForEnd } from '../helpers/wait.js';

// An address nothing listens on: the engine has no such image and cannot pull one.
const MISSING_IMAGE = '127.0.0.1:1/missing:latest';
const PRESENT_IMAGE = 'localhost/busybox:latest';

/** A DISABLED environment and its queue, a job on the missing image and one on the present image, both RUNNABLE. */
async function waitingJobs(client: BatchClient) {
  const ce = await createEnvironment(client, { state: 'DISABLED' });
  const queue = await createQueue(client, ce.arn);
  const submit = async (image: string) => {
    const def = await shellDefinition(client, 'true', { image });
    return (await client.send(new SubmitJobCommand({ jobName: 'img', jobQueue: queue.name, jobDefinition: def.name }))).jobId!;
  };
  const missing = await submit(MISSING_IMAGE);
  const present = await submit(PRESENT_IMAGE);
  // The first reason read may come before the engine's answer about the image (a reader never
  // waits for it), so the missing image's reason is awaited until it has the note.
  const reasonOf = (jobId: string, complete: (reason: string) => boolean) =>
    waitFor(`a wait reason for ${jobId}`, async () => {
      const job = await describeJob(client, jobId);
      return job.status === 'RUNNABLE' && job.statusReason && complete(job.statusReason) ? job.statusReason : undefined;
    });
  const missingReason = await reasonOf(missing, (reason) => reason.includes('Image '));
  const presentReason = await reasonOf(present, () => true);
  return { ce, queue, missing, present, missingReason, presentReason };
}

async function enable(client: BatchClient, ce: string): Promise<void> {
  await client.send(new UpdateComputeEnvironmentCommand({ computeEnvironment: ce, state: 'ENABLED' }));
}

describe('a RUNNABLE job whose image is not on the engine says so (pull policy if-not-present)', () => {
  const server = useBarge();

  test('the reason names the image and says it will be pulled; a present image is not mentioned', async () => {
    const { ce, queue, missing, present, missingReason, presentReason } = await waitingJobs(server.client);
    // The wait's own reason comes first, so time-limit actions and onStatusReason patterns still match its code.
    assert.match(missingReason, /^ACTION_REQUIRED - no compute environment of job queue .* takes new jobs/);
    assert.match(missingReason, /Image 127\.0\.0\.1:1\/missing:latest is not present on the Docker engine: it will be pulled when the job starts/);
    assert.match(presentReason, /^ACTION_REQUIRED - /);
    assert.doesNotMatch(presentReason, /Image|not present/);

    const listed = await server.client.send(new ListJobsCommand({ jobQueue: queue.name, jobStatus: 'RUNNABLE' }));
    assert.match(listed.jobSummaryList?.find((j) => j.jobId === missing)?.statusReason ?? '', /is not present on the Docker engine/);

    // What the reason promised: the pull is tried at start, and an image that cannot be had fails the attempt.
    await enable(server.client, ce.name);
    const failed = await waitForEnd(server.client, missing);
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.container?.reason ?? '', /^CannotPullContainerError: /);
    assert.equal((await waitForEnd(server.client, present)).status, 'SUCCEEDED');
  });
});

describe('a RUNNABLE job whose image is not on the engine says so (pull policy never)', () => {
  const server = useBarge({ args: ['--pull-policy', 'never'] });

  test('the reason says the job will fail with CannotPullContainerError unless the image is loaded first', async () => {
    const { ce, missing, present, missingReason, presentReason } = await waitingJobs(server.client);
    assert.match(missingReason, /^ACTION_REQUIRED - /);
    assert.match(
      missingReason,
      /Image 127\.0\.0\.1:1\/missing:latest is not present on the Docker engine: the pull policy is never, so the job will fail with CannotPullContainerError when it starts unless the image is loaded first/,
    );
    assert.doesNotMatch(presentReason, /Image|not present/);

    await enable(server.client, ce.name);
    const failed = await waitForEnd(server.client, missing);
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.container?.reason ?? '', /^CannotPullContainerError: image 127\.0\.0\.1:1\/missing:latest is not present locally and the pull policy is never/);
    assert.equal((await waitForEnd(server.client, present)).status, 'SUCCEEDED');
  });
});
