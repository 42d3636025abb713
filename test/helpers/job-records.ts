import type { Job, JobSpec } from '../../src/domain/jobs/job.js';

export const TEST_QUEUE_ARN = 'arn:aws:batch:us-east-1:123456789012:job-queue/q';

/** A stored job record for store- and domain-level tests: a 1-vCPU job of queue `q`. */
export function jobRecord(jobId: string, overrides: Partial<Omit<Job, 'spec'>> & { spec?: Partial<JobSpec> } = {}): Job {
  const { spec, ...rest } = overrides;
  return {
    jobId,
    jobArn: `arn:aws:batch:us-east-1:123456789012:job/${jobId}`,
    spec: {
      jobName: jobId,
      jobQueueArn: TEST_QUEUE_ARN,
      jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/d:1',
      parameters: {},
      reservation: { vcpus: 1, memoryMiB: 64, gpus: 0 },
      dependsOn: [],
      platformCapabilities: ['EC2'],
      ...spec,
    },
    status: 'SUBMITTED',
    createdAt: 1_800_000_000_000,
    attempts: [],
    tags: {},
    ...rest,
  };
}
