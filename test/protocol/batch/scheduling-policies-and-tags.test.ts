import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  CreateSchedulingPolicyCommand,
  DeleteSchedulingPolicyCommand,
  DescribeSchedulingPoliciesCommand,
  ListSchedulingPoliciesCommand,
  ListTagsForResourceCommand,
  SubmitJobCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateJobQueueCommand,
  UpdateSchedulingPolicyCommand,
  DeleteJobQueueCommand,
} from '@aws-sdk/client-batch';
import { rejection } from '../../helpers/clients.js';
import { basicSetup, createQueue, uniqueName } from '../../helpers/fixtures.js';
import { useBarge } from '../../helpers/server.js';

describe('scheduling policies and tags', () => {
  const server = useBarge();
  let setup: Awaited<ReturnType<typeof basicSetup>>;
  before(async () => {
    setup = await basicSetup(server.client);
  });

  test('scheduling policy life cycle: create, describe, list, update, delete when unused', async () => {
    const name = uniqueName('sp');
    const fairsharePolicy = { shareDecaySeconds: 600, computeReservation: 50, shareDistribution: [{ shareIdentifier: 'A*', weightFactor: 0.25 }] };
    const created = await server.client.send(new CreateSchedulingPolicyCommand({ name, fairsharePolicy, tags: { a: 'b' } }));
    assert.equal(created.arn, `arn:aws:batch:us-east-1:123456789012:scheduling-policy/${name}`);
    const described = await server.client.send(new DescribeSchedulingPoliciesCommand({ arns: [created.arn!, 'arn:aws:batch:us-east-1:123456789012:scheduling-policy/none'] }));
    assert.equal(described.schedulingPolicies?.length, 1);
    assert.deepEqual(described.schedulingPolicies?.[0]?.fairsharePolicy, fairsharePolicy);
    assert.deepEqual(described.schedulingPolicies?.[0]?.tags, { a: 'b' });
    const listed = await server.client.send(new ListSchedulingPoliciesCommand({}));
    assert.ok(listed.schedulingPolicies?.some((p) => p.arn === created.arn));

    await server.client.send(new UpdateSchedulingPolicyCommand({ arn: created.arn!, fairsharePolicy: { shareDecaySeconds: 1200 } }));
    const updated = await server.client.send(new DescribeSchedulingPoliciesCommand({ arns: [created.arn!] }));
    assert.equal(updated.schedulingPolicies?.[0]?.fairsharePolicy?.shareDecaySeconds, 1200);

    const q = await createQueue(server.client, setup.ce.arn, { schedulingPolicyArn: created.arn! });
    const inUse = await rejection(server.client.send(new DeleteSchedulingPolicyCommand({ arn: created.arn! })));
    assert.match(inUse.message, new RegExp(`used by job queue\\(s\\) ${q.name}`));
    await server.client.send(new UpdateJobQueueCommand({ jobQueue: q.name, state: 'DISABLED' }));
    await server.client.send(new DeleteJobQueueCommand({ jobQueue: q.name }));
    await server.client.send(new DeleteSchedulingPolicyCommand({ arn: created.arn! }));
    const gone = await server.client.send(new DescribeSchedulingPoliciesCommand({ arns: [created.arn!] }));
    assert.deepEqual(gone.schedulingPolicies, []);
  });

  test('fair-share rules: overlapping shares, ranges and duplicates are refused', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ shareDistribution: [{ shareIdentifier: 'UserA*' }, { shareIdentifier: 'UserA1' }] }, /overlaps/],
      [{ shareDistribution: [{ shareIdentifier: 'A', weightFactor: 1000 }] }, /weightFactor/],
      [{ computeReservation: 100 }, /computeReservation/],
      [{ shareDecaySeconds: 604801 }, /shareDecaySeconds/],
    ];
    for (const [fairsharePolicy, pattern] of cases) {
      const err = await rejection(server.client.send(new CreateSchedulingPolicyCommand({ name: uniqueName('bad'), fairsharePolicy })));
      assert.equal(err.name, 'ClientException');
      assert.match(err.message, pattern);
    }
    const name = uniqueName('sp');
    await server.client.send(new CreateSchedulingPolicyCommand({ name }));
    const dup = await rejection(server.client.send(new CreateSchedulingPolicyCommand({ name })));
    assert.match(dup.message, /already exists/);
  });

  test('tags on every taggable resource: tag, list, untag (ARN in the path)', async () => {
    const job = await server.client.send(new SubmitJobCommand({ jobName: 'tagged', jobQueue: setup.queue.name, jobDefinition: setup.definition.name, tags: { initial: '1' } }));
    const policy = await server.client.send(new CreateSchedulingPolicyCommand({ name: uniqueName('sp') }));
    const arns = [setup.ce.arn, setup.queue.arn, setup.definition.arn, job.jobArn!, policy.arn!];
    for (const resourceArn of arns) {
      await server.client.send(new TagResourceCommand({ resourceArn, tags: { env: 'test', 'with space/and:colon': 'v=1' } }));
      const listed = await server.client.send(new ListTagsForResourceCommand({ resourceArn }));
      assert.equal(listed.tags?.['env'], 'test', resourceArn);
      assert.equal(listed.tags?.['with space/and:colon'], 'v=1', resourceArn);
      await server.client.send(new UntagResourceCommand({ resourceArn, tagKeys: ['env', 'not-there'] }));
      const after = await server.client.send(new ListTagsForResourceCommand({ resourceArn }));
      assert.equal(after.tags?.['env'], undefined, resourceArn);
    }
    assert.equal((await server.client.send(new ListTagsForResourceCommand({ resourceArn: job.jobArn! }))).tags?.['initial'], '1');
  });

  test('tagging refuses unknown ARNs, array children, reserved keys and more than 50 tags', async () => {
    const unknown = await rejection(server.client.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/none' })));
    assert.equal(unknown.name, 'ClientException');
    const parent = await server.client.send(new SubmitJobCommand({ jobName: 'arr', jobQueue: setup.queue.name, jobDefinition: setup.definition.name, arrayProperties: { size: 2 } }));
    const child = await rejection(server.client.send(new TagResourceCommand({ resourceArn: `${parent.jobArn}:0`, tags: { a: 'b' } })));
    assert.match(child.message, /cannot be tagged/);
    const reserved = await rejection(server.client.send(new TagResourceCommand({ resourceArn: setup.queue.arn, tags: { 'aws:x': 'y' } })));
    assert.match(reserved.message, /reserved/);
    const current = Object.keys((await server.client.send(new ListTagsForResourceCommand({ resourceArn: setup.ce.arn }))).tags ?? {}).length;
    for (let i = current; i < 49; i++) await server.client.send(new TagResourceCommand({ resourceArn: setup.ce.arn, tags: { [`k${i}`]: 'v' } }));
    const tooMany = await rejection(server.client.send(new TagResourceCommand({ resourceArn: setup.ce.arn, tags: { extra1: 'v', extra2: 'v' } })));
    assert.match(tooMany.message, /at most 50/);
    const tags = (await server.client.send(new ListTagsForResourceCommand({ resourceArn: setup.ce.arn }))).tags ?? {};
    assert.equal(Object.keys(tags).length, 49, 'a refused tag call changes nothing');
  });
});
