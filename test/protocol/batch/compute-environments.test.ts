import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CreateComputeEnvironmentCommand,
  DeleteComputeEnvironmentCommand,
  DescribeComputeEnvironmentsCommand,
  UpdateComputeEnvironmentCommand,
} from '@aws-sdk/client-batch';
import { rejection } from '../../helpers/clients.js';
import { createEnvironment, createQueue, uniqueName } from '../../helpers/fixtures.js';
import { useBarge } from '../../helpers/server.js';

describe('compute environments', () => {
  const server = useBarge();

  const describeOne = async (name: string) =>
    (await server.client.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: [name] }))).computeEnvironments?.[0];

  test('CreateComputeEnvironment stores every field and answers with name and ARN', async () => {
    const { name, arn } = await createEnvironment(server.client, { maxvCpus: 36 });
    assert.equal(arn, `arn:aws:batch:us-east-1:123456789012:compute-environment/${name}`);
    const ce = await describeOne(name);
    assert.ok(ce);
    assert.equal(ce.computeEnvironmentArn, arn);
    assert.equal(ce.type, 'MANAGED');
    assert.equal(ce.state, 'ENABLED');
    assert.equal(ce.status, 'VALID');
    assert.equal(ce.containerOrchestrationType, 'ECS');
    assert.match(ce.ecsClusterArn ?? '', /^arn:aws:ecs:us-east-1:123456789012:cluster\//);
    assert.match(ce.uuid ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(ce.computeResources?.subnets, ['subnet-0123']);
    assert.deepEqual(ce.computeResources?.instanceTypes, ['optimal']);
    assert.equal(ce.computeResources?.instanceRole, 'ecsInstanceRole');
    assert.equal(ce.computeResources?.maxvCpus, 36);
    assert.equal(ce.computeResources?.minvCpus, 0);
    assert.equal(ce.computeResources?.desiredvCpus, 0);
    assert.equal(ce.serviceRole, 'arn:aws:iam::123456789012:role/AWSBatchServiceRole');
  });

  test('an ARN works wherever a name does', async () => {
    const { name, arn } = await createEnvironment(server.client);
    const byArn = await server.client.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: [arn] }));
    assert.equal(byArn.computeEnvironments?.[0]?.computeEnvironmentName, name);
  });

  test('UNMANAGED environments take unmanagedvCpus and refuse computeResources', async () => {
    const name = uniqueName('unmanaged');
    await server.client.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: name, type: 'UNMANAGED', unmanagedvCpus: 8 }));
    const ce = await describeOne(name);
    assert.equal(ce?.type, 'UNMANAGED');
    assert.equal(ce?.unmanagedvCpus, 8);
    const err = await rejection(
      server.client.send(
        new CreateComputeEnvironmentCommand({
          computeEnvironmentName: uniqueName('bad'),
          type: 'UNMANAGED',
          computeResources: { type: 'EC2', maxvCpus: 4, subnets: ['s'] },
        }),
      ),
    );
    assert.equal(err.name, 'ClientException');
  });

  test('duplicate names, bad names and bad capacities are refused and change nothing', async () => {
    const { name } = await createEnvironment(server.client);
    const dup = await rejection(createEnvironment(server.client, { name }));
    assert.equal(dup.name, 'ClientException');
    assert.match(dup.message, /already exists/);

    const badName = await rejection(createEnvironment(server.client, { name: 'has space' }));
    assert.equal(badName.name, 'ClientException');
    assert.match(badName.message, /computeEnvironmentName/);

    const tooLong = await rejection(createEnvironment(server.client, { name: 'x'.repeat(129) }));
    assert.equal(tooLong.name, 'ClientException');

    const bad = uniqueName('badcap');
    const minOverMax = await rejection(
      server.client.send(
        new CreateComputeEnvironmentCommand({
          computeEnvironmentName: bad,
          type: 'MANAGED',
          computeResources: { type: 'EC2', minvCpus: 8, maxvCpus: 4, subnets: ['s'], instanceRole: 'r' },
        }),
      ),
    );
    assert.equal(minOverMax.name, 'ClientException');
    assert.match(minOverMax.message, /minvCpus/);
    const managedWithout = await rejection(
      server.client.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: bad, type: 'MANAGED' })),
    );
    assert.match(managedWithout.message, /computeResources is required/);
    assert.equal(await describeOne(bad), undefined);
    assert.equal(await describeOne('has space'), undefined);
  });

  test('UpdateComputeEnvironment changes state and capacity', async () => {
    const { name, arn } = await createEnvironment(server.client);
    const out = await server.client.send(
      new UpdateComputeEnvironmentCommand({ computeEnvironment: arn, state: 'DISABLED', computeResources: { maxvCpus: 16, minvCpus: 2 } }),
    );
    assert.equal(out.computeEnvironmentArn, arn);
    const ce = await describeOne(name);
    assert.equal(ce?.state, 'DISABLED');
    assert.equal(ce?.computeResources?.maxvCpus, 16);
    assert.equal(ce?.computeResources?.minvCpus, 2);
    assert.equal(ce?.computeResources?.desiredvCpus, 2, 'desired moves up to the new minimum');
    assert.deepEqual(ce?.computeResources?.subnets, ['subnet-0123'], 'fields not updated are kept');

    const bad = await rejection(server.client.send(new UpdateComputeEnvironmentCommand({ computeEnvironment: name, computeResources: { minvCpus: 64 } })));
    assert.equal(bad.name, 'ClientException');
    assert.equal((await describeOne(name))?.computeResources?.minvCpus, 2, 'a refused update changes nothing');

    const missing = await rejection(server.client.send(new UpdateComputeEnvironmentCommand({ computeEnvironment: 'nope', state: 'DISABLED' })));
    assert.match(missing.message, /nope does not exist/);
  });

  test('DeleteComputeEnvironment needs DISABLED and no queue using it', async () => {
    const { name, arn } = await createEnvironment(server.client);
    const enabled = await rejection(server.client.send(new DeleteComputeEnvironmentCommand({ computeEnvironment: name })));
    assert.match(enabled.message, /must be DISABLED/);
    const queue = await createQueue(server.client, arn);
    await server.client.send(new UpdateComputeEnvironmentCommand({ computeEnvironment: name, state: 'DISABLED' }));
    const inUse = await rejection(server.client.send(new DeleteComputeEnvironmentCommand({ computeEnvironment: name })));
    assert.match(inUse.message, new RegExp(`used by job queue\\(s\\) ${queue.name}`));
    assert.ok(await describeOne(name), 'still there after refused deletes');
    const free = await createEnvironment(server.client, { state: 'DISABLED' });
    await server.client.send(new DeleteComputeEnvironmentCommand({ computeEnvironment: free.arn }));
    assert.equal(await describeOne(free.name), undefined);
  });

  test('DescribeComputeEnvironments leaves unknown names out', async () => {
    const { name } = await createEnvironment(server.client);
    const out = await server.client.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: [name, 'unknown-ce'] }));
    assert.deepEqual(out.computeEnvironments?.map((c) => c.computeEnvironmentName), [name]);
  });
});
