import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  DescribeJobDefinitionsCommand,
  DescribeJobsCommand,
  RegisterJobDefinitionCommand,
  type RegisterJobDefinitionCommandInput,
  SubmitJobCommand,
} from '@aws-sdk/client-batch';
import { rejection } from '../../helpers/clients.js';
import { basicSetup, uniqueName } from '../../helpers/fixtures.js';
import { useBarge } from '../../helpers/server.js';

/** Members of a described definition that AWS fills in itself; everything else must echo the request. */
const AWS_OWN = ['jobDefinitionArn', 'revision', 'status', 'containerOrchestrationType'] as const;

type Shape = Omit<RegisterJobDefinitionCommandInput, 'jobDefinitionName'>;

/**
 * Requests as the Terraform AWS provider's aws_batch_job_definition serialises them
 * (internal/service/batch/job_definition.go, and the configs of its acceptance tests): create
 * always sends propagateTags, an update sends it only when true; tags only when some are set;
 * container_properties JSON decoded into the SDK type; evaluate_on_exit actions lowercased.
 */
const SHAPES: Record<string, Shape> = {
  'legacy vcpus and memory (the basic acceptance test)': {
    type: 'container',
    propagateTags: false,
    containerProperties: { command: ['echo', 'test'], image: 'localhost/busybox:latest', memory: 128, vcpus: 1 },
  },
  'platformCapabilities given': {
    type: 'container',
    propagateTags: false,
    platformCapabilities: ['EC2'],
    containerProperties: { command: ['echo', 'test'], image: 'localhost/busybox:latest', memory: 128, vcpus: 1 },
  },
  'update path: no propagateTags at all': {
    type: 'container',
    containerProperties: { command: ['echo', 'test'], image: 'localhost/busybox:latest', memory: 128, vcpus: 1 },
  },
  'parameters, retryStrategy with lowercase actions, timeout, volumes, mounts, ulimits': {
    type: 'container',
    propagateTags: false,
    parameters: { param1: 'val1', param2: 'val2' },
    retryStrategy: {
      attempts: 1,
      evaluateOnExit: [
        { action: 'retry' as 'RETRY', onStatusReason: 'Host EC2*' },
        { action: 'exit' as 'EXIT', onReason: '*' },
      ],
    },
    timeout: { attemptDurationSeconds: 60 },
    containerProperties: {
      command: ['ls', '-la'],
      image: 'localhost/busybox:latest',
      memory: 512,
      vcpus: 1,
      volumes: [{ host: { sourcePath: '/tmp' }, name: 'tmp' }],
      environment: [{ name: 'VARNAME', value: 'VARVAL' }],
      mountPoints: [{ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }],
      ulimits: [{ hardLimit: 1024, name: 'nofile', softLimit: 1024 }],
    },
  },
  'resourceRequirements, schedulingPriority, tags, propagateTags true': {
    type: 'container',
    propagateTags: true,
    schedulingPriority: 2,
    platformCapabilities: ['EC2'],
    retryStrategy: { attempts: 3 },
    timeout: { attemptDurationSeconds: 120 },
    tags: { Name: 'batch', team: 'data' },
    containerProperties: {
      command: ['echo', 'Ref::word'],
      image: 'localhost/busybox:latest',
      resourceRequirements: [
        { type: 'VCPU', value: '1' },
        { type: 'MEMORY', value: '512' },
      ],
      jobRoleArn: 'arn:aws:iam::123456789012:role/job',
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/custom' } },
    },
    parameters: { word: 'hi' },
  },
  'Fargate with its platform and network configuration': {
    type: 'container',
    propagateTags: false,
    platformCapabilities: ['FARGATE'],
    containerProperties: {
      command: ['echo', 'test'],
      image: 'localhost/busybox:latest',
      fargatePlatformConfiguration: { platformVersion: 'LATEST' },
      networkConfiguration: { assignPublicIp: 'DISABLED' },
      resourceRequirements: [
        { type: 'MEMORY', value: '512' },
        { type: 'VCPU', value: '0.25' },
      ],
      executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    },
  },
  'multinode nodeProperties': {
    type: 'multinode',
    propagateTags: false,
    nodeProperties: {
      mainNode: 0,
      numNodes: 2,
      nodeRangeProperties: [
        { targetNodes: '0:', container: { command: ['ls', '-la'], image: 'localhost/busybox:latest', memory: 128, vcpus: 1 } },
        { targetNodes: '1:', container: { command: ['echo', 'test'], image: 'localhost/busybox:latest', memory: 128, vcpus: 1 } },
      ],
    },
  },
  'ecsProperties': {
    type: 'container',
    propagateTags: false,
    ecsProperties: {
      taskProperties: [
        {
          containers: [
            {
              name: 'main',
              image: 'localhost/busybox:latest',
              command: ['sleep', '60'],
              essential: true,
              resourceRequirements: [
                { type: 'VCPU', value: '1' },
                { type: 'MEMORY', value: '2048' },
              ],
            },
          ],
        },
      ],
    },
  },
  'eksProperties (no platformCapabilities allowed)': {
    type: 'container',
    propagateTags: false,
    eksProperties: {
      podProperties: {
        hostNetwork: true,
        containers: [
          {
            image: 'public.ecr.aws/amazonlinux/amazonlinux:1',
            command: ['sleep', '60'],
            resources: { limits: { cpu: '1', memory: '1024Mi' } },
          },
        ],
        metadata: { labels: { environment: 'test' } },
      },
    },
  },
};

describe('job definitions read back as they were registered', () => {
  const server = useBarge();
  let setup: Awaited<ReturnType<typeof basicSetup>>;
  before(async () => {
    setup = await basicSetup(server.client);
  });

  /** Registers `shape`, describes it by ARN, and splits the answer into AWS's own members and the rest. */
  async function readBack(shape: Shape) {
    const input = { jobDefinitionName: uniqueName('rb'), ...shape };
    const registered = await server.client.send(new RegisterJobDefinitionCommand(input));
    const described = await server.client.send(new DescribeJobDefinitionsCommand({ jobDefinitions: [registered.jobDefinitionArn!] }));
    assert.equal(described.jobDefinitions?.length, 1);
    const rest = JSON.parse(JSON.stringify(described.jobDefinitions![0])) as Record<string, unknown>;
    const own: Record<string, unknown> = {};
    for (const key of AWS_OWN) {
      own[key] = rest[key];
      delete rest[key];
    }
    return { input, registered, own, rest, sent: JSON.parse(JSON.stringify(input)) as Record<string, unknown> };
  }

  for (const [title, shape] of Object.entries(SHAPES)) {
    test(title, async () => {
      const { registered, own, rest, sent } = await readBack(shape);
      assert.deepEqual(rest, sent, 'DescribeJobDefinitions returns what was sent and nothing Barge assumed');
      assert.deepEqual(own, {
        jobDefinitionArn: registered.jobDefinitionArn,
        revision: 1,
        status: 'ACTIVE',
        containerOrchestrationType: shape.eksProperties ? 'EKS' : 'ECS',
      });
    });
  }

  test('a definition registered without platformCapabilities still runs its jobs on EC2', async () => {
    const ec2 = await readBack(SHAPES['legacy vcpus and memory (the basic acceptance test)']!);
    assert.equal(ec2.rest['platformCapabilities'], undefined);
    const job = await server.client.send(new SubmitJobCommand({ jobName: 'rb', jobQueue: setup.queue.name, jobDefinition: ec2.registered.jobDefinitionArn }));
    const detail = (await server.client.send(new DescribeJobsCommand({ jobs: [job.jobId!] }))).jobs?.[0];
    assert.equal(detail?.jobDefinition, ec2.registered.jobDefinitionArn);
    assert.equal(detail?.platformCapabilities, undefined, 'the job shows the definition as registered');

    const fargate = await readBack(SHAPES['Fargate with its platform and network configuration']!);
    const refused = await rejection(
      server.client.send(new SubmitJobCommand({ jobName: 'rb', jobQueue: setup.queue.name, jobDefinition: fargate.registered.jobDefinitionArn })),
    );
    assert.equal(refused.name, 'ClientException');
    assert.match(refused.message, /is for FARGATE but job queue .* runs EC2/);
  });
});
