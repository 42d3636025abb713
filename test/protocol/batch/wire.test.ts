import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BatchClient, DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import { createEnvironment } from '../../helpers/fixtures.js';
import { useBarge } from '../../helpers/server.js';
import { signedFetch } from '../../helpers/signed-fetch.js';

/**
 * The REST-JSON protocol at the byte level: what raw HTTP clients see (reference §1, §2).
 * SDK behaviour is covered by the other files; these send SigV4-signed raw requests.
 */
describe('Batch wire protocol', () => {
  const server = useBarge();

  const post = (path: string, body: string | undefined, contentType = 'application/json') =>
    signedFetch(server.barge.url, { path, ...(body === undefined ? {} : { body }), headers: { 'content-type': contentType } });

  async function expectClientError(res: Response, pattern: RegExp) {
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'ClientException');
    assert.match(res.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
    const body = (await res.json()) as { __type: string; message: string };
    assert.equal(body.__type, 'ClientException');
    assert.match(body.message, pattern);
  }

  test('responses carry JSON and a request id', async () => {
    const res = await post('/v1/describejobqueues', '{}');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.match(res.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(await res.json(), { jobQueues: [] });
  });

  test('a missing or empty body is an empty request; only the content type SDKs send is accepted', async () => {
    assert.equal((await post('/v1/describejobqueues', undefined)).status, 200);
    assert.equal((await post('/v1/describejobqueues', '')).status, 200);
    assert.equal((await post('/v1/describejobqueues', '{}', 'application/json; charset=utf-8')).status, 200);
    for (const contentType of ['application/x-amz-json-1.1', 'text/plain', 'application/x-www-form-urlencoded']) {
      const res = await post('/v1/describejobqueues', '{}', contentType);
      assert.equal(res.status, 415, contentType);
      assert.equal(res.headers.get('x-amzn-errortype'), 'UnsupportedMediaTypeException');
    }
  });

  test('malformed JSON, a non-object body and wrong types are ClientException', async () => {
    await expectClientError(await post('/v1/createjobqueue', '{"jobQueueName": '), /not valid JSON/);
    await expectClientError(await post('/v1/createjobqueue', '[1,2]'), /JSON object/);
    await expectClientError(await post('/v1/createjobqueue', JSON.stringify({ jobQueueName: 'q', priority: 'high' })), /priority/);
    await expectClientError(await post('/v1/createjobqueue', JSON.stringify({ jobQueueName: 'q' })), /priority.*Member must not be null/);
    await expectClientError(await post('/v1/submitjob', JSON.stringify({ jobName: 7, jobQueue: 'q', jobDefinition: 'd' })), /jobName/);
    const queues = await server.client.send(new DescribeJobQueuesCommand({}));
    assert.deepEqual(queues.jobQueues, [], 'nothing was created by the refused requests');
  });

  test('unknown members are ignored', async () => {
    const ce = await createEnvironment(server.client);
    const res = await post(
      '/v1/createjobqueue',
      JSON.stringify({ jobQueueName: 'with-extra', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce.arn }], futureField: { x: 1 } }),
    );
    assert.equal(res.status, 200);
  });

  test('operations of the model that Barge does not serve answer a ClientException naming them', async () => {
    for (const op of ['createconsumableresource', 'submitservicejob', 'listquotashares']) {
      await expectClientError(await post(`/v1/${op}`, '{}'), /is not supported by Barge/);
    }
    await expectClientError(await post('/v1/nosuchthing', '{}'), /Unknown operation/);
    await expectClientError(await signedFetch(server.barge.url, { method: 'GET', path: '/elsewhere' }), /Unknown operation: GET \/elsewhere/);
  });

  test('operation paths are matched case-insensitively, as AWS routes them', async () => {
    assert.equal((await post('/v1/DescribeJobQueues', '{}')).status, 200);
  });

  test('a nextToken the server did not issue is refused', async () => {
    await expectClientError(await post('/v1/describejobqueues', JSON.stringify({ nextToken: 'bogus' })), /nextToken/);
    const foreign = Buffer.from(JSON.stringify(['ListJobs', '5'])).toString('base64url');
    await expectClientError(await post('/v1/describejobqueues', JSON.stringify({ nextToken: foreign })), /nextToken/);
  });

  test('every request is logged once with operation, status, duration and request id', async () => {
    const res = await post('/v1/describecomputeenvironments', '{}');
    const requestId = res.headers.get('x-amzn-requestid');
    const deadline = Date.now() + 5000;
    let lines: Record<string, unknown>[] = [];
    while (Date.now() < deadline) {
      lines = server.barge.logs.filter((l) => l['reqId'] === requestId);
      if (lines.length > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!['operation'], 'DescribeComputeEnvironments');
    assert.equal(lines[0]!['status'], 200);
    assert.equal(typeof lines[0]!['durationMs'], 'number');
  });

  test('any signed credentials are accepted; the log line names their access key and region', async () => {
    const client = new BatchClient({
      endpoint: server.barge.url,
      region: 'eu-west-3',
      credentials: { accessKeyId: 'AKIDFROMANYONE', secretAccessKey: 'whatever' },
      maxAttempts: 1,
    });
    try {
      const out = await client.send(new DescribeJobQueuesCommand({}));
      const requestId = out.$metadata.requestId;
      const deadline = Date.now() + 5000;
      let line: Record<string, unknown> | undefined;
      while (!line && Date.now() < deadline) {
        line = server.barge.logs.find((l) => l['reqId'] === requestId);
        if (!line) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(line?.['operation'], 'DescribeJobQueues');
      assert.equal(line?.['accessKeyId'], 'AKIDFROMANYONE');
      assert.equal(line?.['region'], 'eu-west-3');
    } finally {
      client.destroy();
    }
  });
});
