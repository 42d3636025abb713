import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  DescribeComputeEnvironmentsCommand,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  ListJobsCommand,
  ListSchedulingPoliciesCommand,
  CreateSchedulingPolicyCommand,
  paginateListJobs,
  SubmitJobCommand,
} from '@aws-sdk/client-batch';
import { createEnvironment, createQueue, registerDefinition, uniqueName } from '../../helpers/fixtures.js';
import { useBarge } from '../../helpers/server.js';

/** Walks every page of a listing with maxResults, returning the keys in order. */
async function walk(fetchPage: (nextToken: string | undefined) => Promise<{ keys: string[]; nextToken?: string }>): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await fetchPage(token);
    keys.push(...page.keys);
    token = page.nextToken;
    pages += 1;
  } while (token !== undefined);
  return { keys, pages };
}

describe('pagination (maxResults / nextToken) on every describe and list', () => {
  const server = useBarge();
  const ceNames: string[] = [];
  const queueNames: string[] = [];
  let queueName = '';
  let definitionName = '';
  before(async () => {
    // DISABLED environments: the jobs these tests submit wait and never start.
    for (let i = 0; i < 5; i++) ceNames.push((await createEnvironment(server.client, { state: 'DISABLED' })).name);
    for (let i = 0; i < 5; i++) queueNames.push((await createQueue(server.client, ceNames[0]!)).name);
    queueName = queueNames[0]!;
    definitionName = uniqueName('jd');
    for (let i = 0; i < 5; i++) await registerDefinition(server.client, { name: definitionName });
    for (let i = 0; i < 5; i++) await server.client.send(new CreateSchedulingPolicyCommand({ name: uniqueName('sp') }));
  });

  test('DescribeComputeEnvironments', async () => {
    const { keys, pages } = await walk(async (nextToken) => {
      const out = await server.client.send(new DescribeComputeEnvironmentsCommand({ maxResults: 2, nextToken }));
      return { keys: out.computeEnvironments!.map((c) => c.computeEnvironmentName!), nextToken: out.nextToken };
    });
    assert.deepEqual(keys, ceNames);
    assert.equal(pages, 3);
  });

  test('DescribeJobQueues', async () => {
    const { keys } = await walk(async (nextToken) => {
      const out = await server.client.send(new DescribeJobQueuesCommand({ maxResults: 2, nextToken }));
      return { keys: out.jobQueues!.map((q) => q.jobQueueName!), nextToken: out.nextToken };
    });
    assert.deepEqual(keys, queueNames);
  });

  test('DescribeJobDefinitions', async () => {
    const { keys } = await walk(async (nextToken) => {
      const out = await server.client.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: definitionName, maxResults: 2, nextToken }));
      return { keys: out.jobDefinitions!.map((d) => String(d.revision)), nextToken: out.nextToken };
    });
    assert.deepEqual(keys, ['5', '4', '3', '2', '1']);
  });

  test('ListSchedulingPolicies', async () => {
    const { keys, pages } = await walk(async (nextToken) => {
      const out = await server.client.send(new ListSchedulingPoliciesCommand({ maxResults: 2, nextToken }));
      return { keys: out.schedulingPolicies!.map((p) => p.arn!), nextToken: out.nextToken };
    });
    assert.equal(keys.length, 5);
    assert.equal(new Set(keys).size, 5);
    assert.equal(pages, 3);
  });

  test('ListJobs pages newest first without duplicates while jobs keep arriving', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await server.client.send(new SubmitJobCommand({ jobName: `p${i}`, jobQueue: queueName, jobDefinition: definitionName }))).jobId!);
    }
    // JOB_NAME lists every status, so the jobs' progress through the states does not matter here.
    const byName = { filters: [{ name: 'JOB_NAME', values: ['p*'] }] };
    const first = await server.client.send(new ListJobsCommand({ jobQueue: queueName, ...byName, maxResults: 3 }));
    // Jobs submitted between pages are newer than the cursor and must not shift later pages.
    await server.client.send(new SubmitJobCommand({ jobName: 'p-late', jobQueue: queueName, jobDefinition: definitionName }));
    const rest: string[] = [];
    let token = first.nextToken;
    while (token) {
      const page = await server.client.send(new ListJobsCommand({ jobQueue: queueName, ...byName, maxResults: 3, nextToken: token }));
      rest.push(...page.jobSummaryList!.map((j) => j.jobId!));
      token = page.nextToken;
    }
    assert.deepEqual([...first.jobSummaryList!.map((j) => j.jobId!), ...rest], [...ids].reverse());
  });

  test('the SDK paginator walks ListJobs', async () => {
    const seen: string[] = [];
    for await (const page of paginateListJobs({ client: server.client, pageSize: 2 }, { jobQueue: queueName, filters: [{ name: 'JOB_NAME', values: ['p*'] }] })) {
      seen.push(...page.jobSummaryList!.map((j) => j.jobId!));
    }
    assert.equal(seen.length, 8);
    assert.equal(new Set(seen).size, 8);
  });
});
