import {
  type BatchClient,
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  RegisterJobDefinitionCommand,
  type RegisterJobDefinitionCommandInput,
  SubmitJobCommand,
} from '@aws-sdk/client-batch';

export const QUEUE = 'bench-queue';
export const DEFINITION = 'bench-definition';

/** Both servers get the same container image, one that only a local registry could serve. */
const IMAGE = 'localhost/busybox:latest';

/** Barge: an ordinary container job definition; with the CE DISABLED its jobs never start. */
export const BARGE_DEFINITION: RegisterJobDefinitionCommandInput = {
  jobDefinitionName: DEFINITION,
  type: 'container',
  containerProperties: {
    image: IMAGE,
    command: ['true'],
    resourceRequirements: [
      { type: 'VCPU', value: '1' },
      { type: 'MEMORY', value: '64' },
    ],
  },
};

/**
 * moto starts a thread per job on SubmitJob whatever the CE or queue state (moto/batch/models.py,
 * BatchBackend.submit_job → Job.start). With its default "immediate" state transition that thread
 * would `docker run` a container job. An EKS-style definition (no containerProperties, no
 * nodeProperties) makes the thread fail its own assertion before any Docker call, so the job
 * ends FAILED at once and the thread exits. The alternative, a "manual" transition that parks
 * jobs in SUBMITTED, keeps one thread per job polling every 0.5 s: moto then averaged ~8 SubmitJob/s
 * over 5,000 jobs, which would measure GIL contention rather than moto.
 */
export const MOTO_DEFINITION: RegisterJobDefinitionCommandInput = {
  jobDefinitionName: DEFINITION,
  type: 'container',
  eksProperties: { podProperties: { containers: [{ image: IMAGE, command: ['true'] }] } },
};

/** A DISABLED unmanaged compute environment behind an ENABLED queue, and a job definition. */
export async function createBenchQueue(client: BatchClient, serviceRole: string, definition: RegisterJobDefinitionCommandInput): Promise<void> {
  const ce = await client.send(
    new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'bench-ce', type: 'UNMANAGED', state: 'DISABLED', serviceRole }),
  );
  await client.send(
    new CreateJobQueueCommand({
      jobQueueName: QUEUE,
      state: 'ENABLED',
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce.computeEnvironmentArn! }],
    }),
  );
  await client.send(new RegisterJobDefinitionCommand(definition));
}

/** The SubmitJob request of the benchmark; both servers get the same one for the same `seq`. */
export async function submitJob(client: BatchClient, seq: number): Promise<string> {
  const out = await client.send(new SubmitJobCommand({ jobName: `bench-${seq}`, jobQueue: QUEUE, jobDefinition: DEFINITION }));
  if (!out.jobId) throw new Error('SubmitJob returned no jobId');
  return out.jobId;
}
