import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  DescribeJobDefinitionsCommand,
  DescribeJobsCommand,
  ListJobsCommand,
  RegisterJobDefinitionCommand,
  type RegisterJobDefinitionCommandInput,
  SubmitJobCommand,
  type SubmitJobCommandInput,
} from '@aws-sdk/client-batch';
import { rejection } from '../../helpers/clients.js';
import { basicSetup, uniqueName } from '../../helpers/fixtures.js';
import { useBarge } from '../../helpers/server.js';

const KiB = 1024;

/** The SDK sends a request as compact JSON of its members, so this is the body's size. */
const bodyBytes = (input: object) => Buffer.byteLength(JSON.stringify(input));

describe('payload quotas (AWS: job definition 24 KiB, SubmitJob 30 KiB; Barge: stored job 64 KiB)', () => {
  const server = useBarge();
  let setup: Awaited<ReturnType<typeof basicSetup>>;
  let witness: string;
  before(async () => {
    setup = await basicSetup(server.client);
    witness = (await server.client.send(new SubmitJobCommand({ jobName: 'witness', jobQueue: setup.queue.name, jobDefinition: setup.definition.name }))).jobId!;
  });

  const register = (input: Omit<RegisterJobDefinitionCommandInput, 'type'>) =>
    server.client.send(new RegisterJobDefinitionCommand({ type: 'container', ...input }));
  const container = (command: string[]) => ({
    image: 'localhost/busybox:latest',
    command,
    resourceRequirements: [
      { type: 'VCPU' as const, value: '1' },
      { type: 'MEMORY' as const, value: '64' },
    ],
  });
  const submit = (input: Partial<SubmitJobCommandInput>) =>
    server.client.send(new SubmitJobCommand({ jobName: 'q', jobQueue: setup.queue.name, jobDefinition: setup.definition.name, ...input }));
  const jobsInQueue = async () => {
    const page = await server.client.send(new ListJobsCommand({ jobQueue: setup.queue.name, filters: [{ name: 'JOB_NAME', values: ['*'] }] }));
    return page.jobSummaryList?.map((j) => j.jobId).sort() ?? [];
  };
  /** DescribeJobs still answers for jobs stored before and after a refusal. */
  const assertDescribable = async (ids: string[]) => {
    const out = await server.client.send(new DescribeJobsCommand({ jobs: ids }));
    assert.deepEqual(out.jobs?.map((j) => j.jobId).sort(), [...ids].sort());
  };

  test("the issue's 0.5 MB SubmitJob (a 500 KB parameter used 1,000 times) is refused and stores nothing", async () => {
    const def = await register({ jobDefinitionName: uniqueName('fan'), containerProperties: container(['echo', ...Array(1000).fill('Ref::big')]) });
    const before = await jobsInQueue();
    const input = { jobDefinition: def.jobDefinitionArn!, parameters: { big: 'x'.repeat(500_000) } };
    const err = await rejection(submit(input));
    assert.equal(err.name, 'ClientException');
    assert.equal(err.$metadata?.httpStatusCode, 400);
    assert.match(err.message, /^The SubmitJob request is (\d+) bytes; AWS Batch allows at most 30720 bytes \(30 KiB\) per SubmitJob request$/);
    assert.ok(Number(/is (\d+) bytes/.exec(err.message)![1]) > 500_000);
    assert.deepEqual(await jobsInQueue(), before);
    await assertDescribable([witness]);
  });

  test('a small SubmitJob whose Ref:: expansion would pass 64 KiB is refused, naming the size it would have', async () => {
    // 500 placeholders in the definition, one 20 KB value at submit: a 20 KB request that would store 10 MB.
    const def = await register({ jobDefinitionName: uniqueName('fan'), containerProperties: container(['sh', '-c', Array(500).fill('Ref::p').join(' ')]) });
    const before = await jobsInQueue();
    const input = { jobDefinition: def.jobDefinitionArn!, parameters: { p: 'x'.repeat(20_000) } };
    assert.ok(bodyBytes(input) < 30 * KiB);
    const err = await rejection(submit(input));
    assert.equal(err.name, 'ClientException');
    const match = /^The job would be (\d+) bytes \(definition and SubmitJob merged, Ref:: parameters substituted into the command\); Barge stores at most 65536 bytes \(64 KiB\) per job$/.exec(err.message);
    assert.ok(match, err.message);
    assert.ok(Number(match[1]) > 500 * 20_000, match[1]);
    // The same holds when the placeholders come in containerOverrides and the value is the definition's default.
    const withDefault = await register({
      jobDefinitionName: uniqueName('fan'),
      parameters: { p: 'y'.repeat(20_000) },
      containerProperties: container(['true']),
    });
    const override = await rejection(submit({ jobDefinition: withDefault.jobDefinitionArn!, containerOverrides: { command: Array(3000).fill('Ref::p') } }));
    assert.match(override.message, /^The job would be \d+ bytes/);
    assert.deepEqual(await jobsInQueue(), before);
    await assertDescribable([witness]);
  });

  test('a stored job of exactly 64 KiB is accepted and one byte more is refused', async () => {
    const def = await register({ jobDefinitionName: uniqueName('edge'), containerProperties: container(['sh', '-c', 'Ref::p Ref::p Ref::p Ref::p Ref::p']) });
    const attempt = (padding: number) =>
      submit({ jobName: 'edge', jobDefinition: def.jobDefinitionArn!, parameters: { p: 'a'.repeat(10_000), pad: 'b'.repeat(padding) } });
    const over = await rejection(attempt(8000));
    const size = Number(/^The job would be (\d+) bytes/.exec(over.message)?.[1]);
    assert.ok(size > 64 * KiB, over.message);
    // Each character of the unused `pad` parameter adds one byte to the stored job.
    const exact = 8000 - (size - 64 * KiB);
    const accepted = await attempt(exact);
    const job = (await server.client.send(new DescribeJobsCommand({ jobs: [accepted.jobId!] }))).jobs?.[0];
    assert.equal(job?.container?.command?.[2], Array(5).fill('a'.repeat(10_000)).join(' '), 'stored with Ref:: substituted');
    const oneMore = await rejection(attempt(exact + 1));
    assert.match(oneMore.message, /^The job would be 65537 bytes/);
    await assertDescribable([witness, accepted.jobId!]);
  });

  test('a SubmitJob request of exactly 30 KiB is accepted and one byte more is refused', async () => {
    const input = (padding: number) => ({ jobName: 'edge', jobQueue: setup.queue.name, jobDefinition: setup.definition.name, parameters: { pad: 'b'.repeat(padding) } });
    const exact = 30 * KiB - bodyBytes(input(0));
    assert.equal(bodyBytes(input(exact)), 30 * KiB);
    const accepted = await server.client.send(new SubmitJobCommand(input(exact)));
    const err = await rejection(server.client.send(new SubmitJobCommand(input(exact + 1))));
    assert.equal(err.name, 'ClientException');
    assert.match(err.message, /^The SubmitJob request is 30721 bytes/);
    await assertDescribable([witness, accepted.jobId!]);
  });

  test('a job definition of exactly 24 KiB is accepted; a larger one is refused and not stored', async () => {
    const name = uniqueName('big');
    const input = (padding: number) => ({
      jobDefinitionName: name,
      type: 'container' as const,
      containerProperties: container(['echo', 'Ref::pad']),
      parameters: { pad: 'b'.repeat(padding) },
    });
    const exact = 24 * KiB - bodyBytes(input(0));
    const accepted = await server.client.send(new RegisterJobDefinitionCommand(input(exact)));
    assert.equal(accepted.revision, 1);
    const err = await rejection(server.client.send(new RegisterJobDefinitionCommand(input(exact + 1))));
    assert.equal(err.name, 'ClientException');
    assert.equal(err.$metadata?.httpStatusCode, 400);
    assert.match(err.message, /^The RegisterJobDefinition request is 24577 bytes; AWS Batch allows at most 24576 bytes \(24 KiB\) per RegisterJobDefinition request$/);
    const environment = Array.from({ length: 100 }, (_, i) => ({ name: `VAR_${i}`, value: 'v'.repeat(300) }));
    const large = await rejection(register({ jobDefinitionName: name, containerProperties: { ...container(['true']), environment } }));
    assert.match(large.message, /RegisterJobDefinition request is \d+ bytes/);
    const stored = await server.client.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: name }));
    assert.deepEqual(stored.jobDefinitions?.map((d) => d.revision), [1]);
    // The largest definition still takes jobs: its one placeholder expands to ~24 KB.
    const job = await submit({ jobDefinition: accepted.jobDefinitionArn! });
    await assertDescribable([witness, job.jobId!]);
  });
});
