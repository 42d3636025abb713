import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DeregisterJobDefinitionCommand,
  DescribeJobsCommand,
  DescribeJobDefinitionsCommand,
  RegisterJobDefinitionCommand,
  type RegisterJobDefinitionCommandInput,
  SubmitJobCommand,
} from '@aws-sdk/client-batch';
import { rejection } from '../../helpers/clients.js';
import { createEnvironment, createQueue, registerDefinition, uniqueName } from '../../helpers/fixtures.js';
import { useBarge } from '../../helpers/server.js';

describe('job definitions', () => {
  const server = useBarge();

  const container = (extra: Record<string, unknown> = {}) => ({
    image: 'localhost/busybox:latest',
    command: ['echo', 'hi'],
    resourceRequirements: [
      { type: 'VCPU' as const, value: '2' },
      { type: 'MEMORY' as const, value: '512' },
    ],
    ...extra,
  });

  test('each register makes a new revision; revisions are never reused', async () => {
    const name = uniqueName('jd');
    const r1 = await registerDefinition(server.client, { name });
    const r2 = await registerDefinition(server.client, { name });
    assert.equal(r1.revision, 1);
    assert.equal(r2.revision, 2);
    assert.equal(r2.arn, `arn:aws:batch:us-east-1:123456789012:job-definition/${name}:2`);
    await server.client.send(new DeregisterJobDefinitionCommand({ jobDefinition: `${name}:2` }));
    const r3 = await registerDefinition(server.client, { name });
    assert.equal(r3.revision, 3, 'a deregistered revision number is not handed out again');
  });

  test('DescribeJobDefinitions stores and echoes the full definition', async () => {
    const name = uniqueName('jd');
    const input: RegisterJobDefinitionCommandInput = {
      jobDefinitionName: name,
      type: 'container',
      parameters: { a: '1' },
      containerProperties: container({
        environment: [{ name: 'K', value: 'V' }],
        jobRoleArn: 'arn:aws:iam::123456789012:role/job',
        executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
        ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 2048 }],
        volumes: [{ name: 'data', host: { sourcePath: '/tmp' } }],
        mountPoints: [{ sourceVolume: 'data', containerPath: '/data', readOnly: true }],
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-stream-prefix': 'p' } },
        linuxParameters: { initProcessEnabled: true },
      }),
      retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: '1*', action: 'retry' as 'RETRY' }] },
      timeout: { attemptDurationSeconds: 120 },
      tags: { owner: 'me' },
      propagateTags: true,
      schedulingPriority: 7,
    };
    await server.client.send(new RegisterJobDefinitionCommand(input));
    const out = await server.client.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: name }));
    const d = out.jobDefinitions?.[0];
    assert.ok(d);
    assert.equal(d.status, 'ACTIVE');
    assert.equal(d.type, 'container');
    assert.equal(d.revision, 1);
    assert.deepEqual(d.parameters, { a: '1' });
    assert.equal(d.platformCapabilities, undefined, 'not sent, so not shown (EC2 is only assumed)');
    assert.equal(d.containerOrchestrationType, 'ECS');
    assert.equal(d.containerProperties?.jobRoleArn, 'arn:aws:iam::123456789012:role/job');
    assert.deepEqual(d.containerProperties?.environment, [{ name: 'K', value: 'V' }]);
    assert.deepEqual(d.containerProperties?.volumes, [{ name: 'data', host: { sourcePath: '/tmp' } }]);
    assert.equal(d.containerProperties?.logConfiguration?.options?.['awslogs-stream-prefix'], 'p');
    assert.equal(d.containerProperties?.linuxParameters?.initProcessEnabled, true);
    assert.deepEqual(d.retryStrategy, { attempts: 3, evaluateOnExit: [{ onExitCode: '1*', action: 'retry' }] }, 'the action as spelt');
    assert.equal(d.timeout?.attemptDurationSeconds, 120);
    assert.deepEqual(d.tags, { owner: 'me' });
    assert.equal(d.propagateTags, true);
    assert.equal(d.schedulingPriority, 7);
  });

  test('filters: status, name, and a list of name:revision or ARNs', async () => {
    const name = uniqueName('jd');
    const r1 = await registerDefinition(server.client, { name });
    const r2 = await registerDefinition(server.client, { name });
    await server.client.send(new DeregisterJobDefinitionCommand({ jobDefinition: r1.arn }));
    const active = await server.client.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: name, status: 'ACTIVE' }));
    assert.deepEqual(active.jobDefinitions?.map((d) => d.revision), [2]);
    const inactive = await server.client.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: name, status: 'INACTIVE' }));
    assert.deepEqual(inactive.jobDefinitions?.map((d) => [d.revision, d.status]), [[1, 'INACTIVE']]);
    const all = await server.client.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: name }));
    assert.deepEqual(all.jobDefinitions?.map((d) => d.revision), [2, 1]);
    const listed = await server.client.send(new DescribeJobDefinitionsCommand({ jobDefinitions: [`${name}:1`, r2.arn, 'missing:1'] }));
    assert.deepEqual(listed.jobDefinitions?.map((d) => d.revision).sort(), [1, 2]);
  });

  test('a bare name resolves to the latest ACTIVE revision; INACTIVE revisions refuse jobs', async () => {
    const ce = await createEnvironment(server.client);
    const q = await createQueue(server.client, ce.arn);
    const name = uniqueName('jd');
    const r1 = await registerDefinition(server.client, { name });
    const r2 = await registerDefinition(server.client, { name });
    const definitionOf = async (jobId: string) => (await server.client.send(new DescribeJobsCommand({ jobs: [jobId] }))).jobs?.[0]?.jobDefinition;
    // Resolved (and remembered by the server) before the deregistration, which must not be missed.
    const early = await server.client.send(new SubmitJobCommand({ jobName: 'j', jobQueue: q.name, jobDefinition: name }));
    assert.equal(await definitionOf(early.jobId!), r2.arn);
    await server.client.send(new DeregisterJobDefinitionCommand({ jobDefinition: `${name}:2` }));
    const ok = await server.client.send(new SubmitJobCommand({ jobName: 'j', jobQueue: q.name, jobDefinition: name }));
    assert.equal(await definitionOf(ok.jobId!), r1.arn);
    const err = await rejection(server.client.send(new SubmitJobCommand({ jobName: 'j', jobQueue: q.name, jobDefinition: r2.arn })));
    assert.match(err.message, /INACTIVE/);
    await server.client.send(new DeregisterJobDefinitionCommand({ jobDefinition: r1.arn }));
    const none = await rejection(server.client.send(new SubmitJobCommand({ jobName: 'j', jobQueue: q.name, jobDefinition: name })));
    assert.match(none.message, /does not exist/);
  });

  test('deregister is idempotent and needs a revision', async () => {
    const { name, arn } = await registerDefinition(server.client);
    await server.client.send(new DeregisterJobDefinitionCommand({ jobDefinition: arn }));
    await server.client.send(new DeregisterJobDefinitionCommand({ jobDefinition: arn }));
    const bare = await rejection(server.client.send(new DeregisterJobDefinitionCommand({ jobDefinition: name })));
    assert.match(bare.message, /revision/);
    const missing = await rejection(server.client.send(new DeregisterJobDefinitionCommand({ jobDefinition: `${name}:99` })));
    assert.match(missing.message, /does not exist/);
  });

  test('invalid definitions are refused with a message that names the problem, and nothing is stored', async () => {
    const name = uniqueName('jd');
    const cases: [Partial<RegisterJobDefinitionCommandInput>, RegExp][] = [
      [{ containerProperties: undefined }, /exactly one of containerProperties/],
      [{ containerProperties: container({ image: undefined }) }, /image is required/],
      [{ containerProperties: container({ resourceRequirements: [{ type: 'VCPU', value: '1' }] }) }, /memory must be set/],
      [{ containerProperties: container({ resourceRequirements: [{ type: 'MEMORY', value: '64' }] }) }, /vCPUs must be set/],
      [
        { containerProperties: container({ resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'VCPU', value: '2' }, { type: 'MEMORY', value: '64' }] }) },
        /VCPU is given more than once/,
      ],
      [{ containerProperties: container({ environment: [{ name: 'AWS_BATCH_X', value: '1' }] }) }, /reserved/],
      [{ retryStrategy: { attempts: 11 } }, /attempts must be from 1 to 10/],
      [{ retryStrategy: { attempts: 2, evaluateOnExit: Array.from({ length: 6 }, () => ({ action: 'EXIT' as const })) } }, /at most 5/],
      [{ retryStrategy: { attempts: 2, evaluateOnExit: [{ onExitCode: 'a*', action: 'EXIT' }] } }, /onExitCode/],
      [{ retryStrategy: { attempts: 2, evaluateOnExit: [{ onExitCode: '1', action: 'again' as 'EXIT' }] } }, /must be RETRY or EXIT, got again/],
      [{ timeout: { attemptDurationSeconds: 59 } }, /at least 60/],
      [{ schedulingPriority: 10000 }, /schedulingPriority/],
      [{ tags: { 'aws:reserved': 'x' } }, /reserved/],
      [{ type: 'multinode' }, /nodeProperties/],
      [{ platformCapabilities: ['FARGATE'] }, /Fargate|FARGATE/],
    ];
    for (const [patch, pattern] of cases) {
      const input = { jobDefinitionName: name, type: 'container', containerProperties: container(), ...patch } as RegisterJobDefinitionCommandInput;
      const err = await rejection(server.client.send(new RegisterJobDefinitionCommand(input)));
      assert.equal(err.name, 'ClientException', `${pattern}`);
      assert.match(err.message, pattern);
    }
    const out = await server.client.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: name }));
    assert.deepEqual(out.jobDefinitions, []);
  });

  test('the legacy vcpus and memory fields still work', async () => {
    const name = uniqueName('jd');
    await server.client.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName: name,
        type: 'container',
        containerProperties: { image: 'localhost/busybox:latest', vcpus: 2, memory: 256, command: ['true'] },
      }),
    );
    const d = (await server.client.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: name }))).jobDefinitions?.[0];
    assert.equal(d?.containerProperties?.vcpus, 2);
    assert.equal(d?.containerProperties?.memory, 256);
  });
});
