import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchEnvironment, buildContainerSpec, containerName, logDestination } from '../../src/domain/jobs/container-spec.js';
import type { Job } from '../../src/domain/jobs/job.js';

const job = (container: Record<string, unknown>, extra: Partial<Job> = {}): Job =>
  ({
    jobId: 'abc',
    jobArn: 'arn',
    status: 'STARTING',
    createdAt: 0,
    attempts: [],
    tags: {},
    spec: {
      jobName: 'n',
      jobQueueArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/q',
      jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/my-def:3',
      parameters: {},
      reservation: { vcpus: 2, memoryMiB: 512, gpus: 0 },
      dependsOn: [],
      platformCapabilities: ['EC2'],
      container: { other: {}, ...container },
    },
    ...extra,
  }) as Job;

test('log destination: /aws/batch/job and <definition>/default/<task>, or as awslogs options say', () => {
  assert.deepEqual(logDestination(job({ image: 'localhost/busybox:latest' }), 'task1'), { group: '/aws/batch/job', stream: 'my-def/default/task1', createGroup: true });
  const custom = job({ image: 'localhost/busybox:latest', logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/team/jobs', 'awslogs-stream-prefix': 'etl', 'awslogs-create-group': 'true' } } });
  assert.deepEqual(logDestination(custom, 't'), { group: '/team/jobs', stream: 'etl/default/t', createGroup: true });
});

test('AWS_BATCH_* variables, array ones only for children', () => {
  assert.deepEqual(batchEnvironment(job({ image: 'localhost/busybox:latest' }), { attempt: 2, queueName: 'q', computeEnvironmentName: 'ce' }), {
    AWS_BATCH_JOB_ID: 'abc',
    AWS_BATCH_JOB_ATTEMPT: '2',
    AWS_BATCH_JQ_NAME: 'q',
    AWS_BATCH_CE_NAME: 'ce',
  });
  const child = job({ image: 'localhost/busybox:latest' }, { jobId: 'p:4', arrayParent: { jobId: 'p', index: 4 } });
  child.spec.arraySize = 10;
  const env = batchEnvironment(child, { attempt: 1, queueName: 'q', computeEnvironmentName: 'ce' });
  assert.equal(env['AWS_BATCH_JOB_ARRAY_INDEX'], '4');
  assert.equal(env['AWS_BATCH_JOB_ARRAY_SIZE'], '10');
});

test('container spec: mounts from volumes, Linux parameters, injected variables win', () => {
  const spec = buildContainerSpec(
    job({
      image: 'localhost/busybox:latest',
      command: ['run'],
      environment: [{ name: 'AWS_BATCH_JOB_ID', value: 'spoofed' }, { name: 'A', value: '1' }],
      volumes: [{ name: 'data', host: { sourcePath: '/srv/data' } }, { name: 'unused' }],
      mountPoints: [{ sourceVolume: 'data', containerPath: '/data', readOnly: true }, { sourceVolume: 'missing', containerPath: '/x' }],
      ulimits: [{ name: 'nofile', softLimit: 10, hardLimit: 20 }],
      linuxParameters: { initProcessEnabled: true, sharedMemorySize: 64, tmpfs: [{ containerPath: '/scratch', size: 16 }] },
      user: 'nobody',
      readonlyRootFilesystem: true,
    }),
    { attempt: 1, queueName: 'q', computeEnvironmentName: 'ce' },
    'barge-x',
  );
  assert.equal(spec.name, 'barge-x-abc-1');
  assert.equal(spec.environment['AWS_BATCH_JOB_ID'], 'abc');
  assert.equal(spec.environment['A'], '1');
  assert.deepEqual(spec.mounts, [{ hostPath: '/srv/data', containerPath: '/data', readOnly: true }]);
  assert.deepEqual(spec.ulimits, [{ name: 'nofile', soft: 10, hard: 20 }]);
  assert.deepEqual(spec.tmpfs, [{ containerPath: '/scratch', sizeMiB: 16 }]);
  assert.equal(spec.initProcessEnabled, true);
  assert.equal(spec.sharedMemoryMiB, 64);
  assert.equal(spec.vcpus, 2);
  assert.equal(spec.memoryMiB, 512);
  assert.equal(containerName('p', 'a:1', 3), 'p-a_1-3');
});
