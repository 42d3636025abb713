import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CreateSchedulingPolicyCommand, GetJobQueueSnapshotCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import { createEnvironment, createQueue, registerDefinition, uniqueName } from '../helpers/fixtures.js';
import { useBarge } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

describe('GetJobQueueSnapshot', () => {
  const server = useBarge();

  test('lists a fair-share queue in dispatch order, not submission order', async () => {
    // Nothing runs (the environment is DISABLED), so the order is all the scheduler decides.
    const ce = await createEnvironment(server.client, { state: 'DISABLED' });
    const policy = await server.client.send(
      new CreateSchedulingPolicyCommand({
        name: uniqueName('fs'),
        fairsharePolicy: { shareDecaySeconds: 3600, shareDistribution: [{ shareIdentifier: 'X', weightFactor: 1 }, { shareIdentifier: 'F', weightFactor: 0.25 }] },
      }),
    );
    const queue = await createQueue(server.client, ce.arn, { schedulingPolicyArn: policy.arn! });
    const def = await registerDefinition(server.client);
    const submitted = new Map<string, string>();
    const submit = async (name: string, shareIdentifier: string, schedulingPriorityOverride = 0) => {
      const out = await server.client.send(new SubmitJobCommand({ jobName: name, jobQueue: queue.name, jobDefinition: def.name, shareIdentifier, schedulingPriorityOverride }));
      submitted.set(out.jobArn!, name);
    };
    for (const [name, priority] of [['x1', 0], ['x2', 0], ['x3', 9]] as const) await submit(name, 'X', priority);
    for (const name of ['f1', 'f2', 'f3', 'f4', 'f5']) await submit(name, 'F');
    const snapshot = await waitFor('all eight jobs to be RUNNABLE', async () => {
      const out = await server.client.send(new GetJobQueueSnapshotCommand({ jobQueue: queue.arn }));
      return out.frontOfQueue?.jobs?.length === 8 ? out : undefined;
    });
    const order = snapshot.frontOfQueue?.jobs?.map((j) => submitted.get(j.jobArn!));
    // F (weight 0.25) gets four turns for each of X's; inside X the higher priority goes first.
    assert.deepEqual(order, ['f1', 'x3', 'f2', 'f3', 'f4', 'f5', 'x1', 'x2']);
    assert.ok(snapshot.frontOfQueue!.jobs!.every((j) => typeof j.earliestTimeAtPosition === 'number'));
    assert.ok(Math.abs(snapshot.frontOfQueue!.lastUpdatedAt! - Date.now()) < 60_000);
  });
});
