import { type BatchClient, DescribeJobsCommand, type JobDetail } from '@aws-sdk/client-batch';

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function describeJob(client: BatchClient, jobId: string): Promise<JobDetail> {
  const out = await client.send(new DescribeJobsCommand({ jobs: [jobId] }));
  const job = out.jobs?.[0];
  if (!job) throw new Error(`job ${jobId} not found`);
  return job;
}

/** Waits until the job reaches one of `statuses` and returns its detail. */
export function waitForStatus(client: BatchClient, jobId: string, statuses: string[], timeoutMs = 60_000): Promise<JobDetail> {
  return waitFor(`job ${jobId} to be ${statuses.join(' or ')}`, async () => {
    const job = await describeJob(client, jobId);
    return statuses.includes(job.status ?? '') ? job : undefined;
  }, timeoutMs);
}

/** Waits until the job is SUCCEEDED or FAILED. */
export function waitForEnd(client: BatchClient, jobId: string, timeoutMs = 60_000): Promise<JobDetail> {
  return waitForStatus(client, jobId, ['SUCCEEDED', 'FAILED'], timeoutMs);
}
