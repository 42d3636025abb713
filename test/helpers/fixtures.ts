import {
  type BatchClient,
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  RegisterJobDefinitionCommand,
  type RegisterJobDefinitionCommandInput,
} from '@aws-sdk/client-batch';

let counter = 0;
/** A resource name unique within the test run. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export async function createEnvironment(client: BatchClient, overrides: { name?: string; maxvCpus?: number; state?: 'ENABLED' | 'DISABLED' } = {}) {
  const name = overrides.name ?? uniqueName('ce');
  const out = await client.send(
    new CreateComputeEnvironmentCommand({
      computeEnvironmentName: name,
      type: 'MANAGED',
      state: overrides.state ?? 'ENABLED',
      computeResources: {
        type: 'EC2',
        minvCpus: 0,
        maxvCpus: overrides.maxvCpus ?? 4,
        desiredvCpus: 0,
        instanceTypes: ['optimal'],
        subnets: ['subnet-0123'],
        securityGroupIds: ['sg-0123'],
        instanceRole: 'ecsInstanceRole',
      },
      serviceRole: 'arn:aws:iam::123456789012:role/AWSBatchServiceRole',
    }),
  );
  return { name, arn: out.computeEnvironmentArn! };
}

export async function createQueue(client: BatchClient, ceArn: string, overrides: { name?: string; priority?: number; schedulingPolicyArn?: string } = {}) {
  const name = overrides.name ?? uniqueName('q');
  const out = await client.send(
    new CreateJobQueueCommand({
      jobQueueName: name,
      priority: overrides.priority ?? 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: ceArn }],
      ...(overrides.schedulingPolicyArn ? { schedulingPolicyArn: overrides.schedulingPolicyArn } : {}),
    }),
  );
  return { name, arn: out.jobQueueArn! };
}

export async function registerDefinition(client: BatchClient, overrides: { name?: string; command?: string[]; parameters?: Record<string, string> } = {}) {
  const name = overrides.name ?? uniqueName('jd');
  const out = await client.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: name,
      type: 'container',
      containerProperties: {
        image: 'localhost/busybox:latest',
        command: overrides.command ?? ['echo', 'Ref::word'],
        resourceRequirements: [
          { type: 'VCPU', value: '1' },
          { type: 'MEMORY', value: '64' },
        ],
      },
      parameters: overrides.parameters ?? { word: 'hello' },
    }),
  );
  return { name, arn: out.jobDefinitionArn!, revision: out.revision! };
}

/** A definition with ecsProperties (one container) and no containerProperties; returns its name. */
export async function registerEcsDefinition(client: BatchClient): Promise<string> {
  const name = uniqueName('ecs');
  await client.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: name,
      type: 'container',
      ecsProperties: { taskProperties: [{ containers: [{ name: 'main', image: 'localhost/busybox:latest', command: ['true'] }] }] },
    }),
  );
  return name;
}

/**
 * One environment, one queue and one definition, ready for SubmitJob. The environment is
 * DISABLED, so submitted jobs are evaluated but never start: they wait in RUNNABLE.
 */
export async function basicSetup(client: BatchClient) {
  const ce = await createEnvironment(client, { state: 'DISABLED' });
  const queue = await createQueue(client, ce.arn);
  const definition = await registerDefinition(client);
  return { ce, queue, definition };
}

/** A container job definition running `sh -c script` in the local busybox image. */
export async function shellDefinition(
  client: BatchClient,
  script: string,
  extra: { vcpus?: number; memory?: number; hostDir?: string; retryStrategy?: RegisterJobDefinitionCommandInput['retryStrategy']; timeout?: number; environment?: { name: string; value: string }[]; image?: string; parameters?: Record<string, string> } = {},
) {
  const name = uniqueName('sh');
  const out = await client.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: name,
      type: 'container',
      parameters: extra.parameters,
      containerProperties: {
        image: extra.image ?? 'localhost/busybox:latest',
        command: ['sh', '-c', script],
        resourceRequirements: [
          { type: 'VCPU', value: String(extra.vcpus ?? 1) },
          { type: 'MEMORY', value: String(extra.memory ?? 64) },
        ],
        environment: extra.environment,
        ...(extra.hostDir
          ? { volumes: [{ name: 'out', host: { sourcePath: extra.hostDir } }], mountPoints: [{ sourceVolume: 'out', containerPath: '/out' }] }
          : {}),
      },
      retryStrategy: extra.retryStrategy,
      ...(extra.timeout ? { timeout: { attemptDurationSeconds: extra.timeout } } : {}),
    }),
  );
  return { name, arn: out.jobDefinitionArn! };
}
