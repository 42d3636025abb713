import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type BargeProcess, startBarge } from '../../helpers/server.js';
import { signedFetch } from '../../helpers/signed-fetch.js';

/**
 * AWS JSON 1.1 at the byte level (cloudwatch-logs-api.md §1), with signed raw requests: the X-Amz-Target
 * dispatch, the content type, the error shape, and that Batch's REST routes are unaffected.
 */
describe('Logs wire protocol', () => {
  let barge: BargeProcess;
  before(async () => {
    barge = await startBarge();
  });
  after(async () => {
    await barge.stop();
  });

  const call = (target: string | undefined, body: string | undefined) =>
    signedFetch(barge.url, {
      path: '/',
      service: 'logs',
      ...(body === undefined ? {} : { body }),
      headers: { 'content-type': 'application/x-amz-json-1.1', ...(target === undefined ? {} : { 'x-amz-target': target }) },
    });

  async function expectError(res: Response, type: string, pattern: RegExp) {
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.equal(res.headers.get('x-amzn-errortype'), type);
    assert.match(res.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['__type', 'message']);
    assert.equal(body['__type'], type);
    assert.match(String(body['message']), pattern);
  }

  test('operations answer application/x-amz-json-1.1 with a request id; timestamps are epoch-ms integers', async () => {
    let res = await call('Logs_20140328.CreateLogGroup', JSON.stringify({ logGroupName: '/aws/batch/job' }));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.match(res.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(await res.json(), {});
    await call('Logs_20140328.CreateLogStream', JSON.stringify({ logGroupName: '/aws/batch/job', logStreamName: 'jd/default/1' }));
    const timestamp = Date.now();
    res = await call(
      'Logs_20140328.PutLogEvents',
      JSON.stringify({ logGroupName: '/aws/batch/job', logStreamName: 'jd/default/1', logEvents: [{ timestamp, message: 'hello "quoted" ☃' }] }),
    );
    assert.equal(res.status, 200);
    res = await call('Logs_20140328.GetLogEvents', JSON.stringify({ logGroupName: '/aws/batch/job', logStreamName: 'jd/default/1' }));
    const page = (await res.json()) as { events: { timestamp: unknown; message: string; ingestionTime: unknown }[]; nextForwardToken: string };
    assert.equal(page.events.length, 1);
    assert.equal(page.events[0]!.timestamp, timestamp);
    assert.equal(page.events[0]!.message, 'hello "quoted" ☃');
    assert.ok(Number.isInteger(page.events[0]!.ingestionTime));
    assert.match(page.nextForwardToken, /^f\/\d{56}\/s$/);
  });

  test('an empty body is an empty request', async () => {
    for (const body of [undefined, '', '{}']) {
      const res = await call('Logs_20140328.DescribeLogGroups', body);
      assert.equal(res.status, 200);
      assert.ok(Array.isArray(((await res.json()) as { logGroups: unknown }).logGroups));
    }
  });

  test('errors carry __type and message, and the not-found messages are AWS’s', async () => {
    await expectError(
      await call('Logs_20140328.GetLogEvents', JSON.stringify({ logGroupName: '/no/such', logStreamName: 's' })),
      'ResourceNotFoundException',
      /^The specified log group does not exist\.$/,
    );
    await expectError(
      await call('Logs_20140328.GetLogEvents', JSON.stringify({ logGroupName: '/aws/batch/job', logStreamName: 'none' })),
      'ResourceNotFoundException',
      /^The specified log stream does not exist\.$/,
    );
    await expectError(await call('Logs_20140328.CreateLogGroup', JSON.stringify({ logGroupName: '/aws/batch/job' })), 'ResourceAlreadyExistsException', /already exists/);
    await expectError(await call('Logs_20140328.GetLogEvents', JSON.stringify({ logGroupName: '/aws/batch/job' })), 'InvalidParameterException', /logStreamName.*must not be null/);
    await expectError(await call('Logs_20140328.GetLogEvents', JSON.stringify({ logGroupName: 7, logStreamName: 's' })), 'InvalidParameterException', /logGroupName/);
  });

  test('malformed JSON and non-object bodies are InvalidParameterException', async () => {
    await expectError(await call('Logs_20140328.DescribeLogGroups', '{"limit": '), 'InvalidParameterException', /not valid JSON/);
    await expectError(await call('Logs_20140328.DescribeLogGroups', '[1]'), 'InvalidParameterException', /JSON object/);
  });

  test('targets nobody serves get UnknownOperationException naming them', async () => {
    await expectError(await call('Logs_20140328.PutMetricFilter', '{}'), 'UnknownOperationException', /Logs_20140328\.PutMetricFilter is not supported by Barge/);
    await expectError(await call('Logs_20140328', '{}'), 'UnknownOperationException', /Logs_20140328/);
    await expectError(await call('AWSEvents.PutRule', '{}'), 'UnknownOperationException', /Unknown X-Amz-Target: AWSEvents\.PutRule/);
    await expectError(await call(undefined, '{}'), 'UnknownOperationException', /Missing X-Amz-Target/);
  });

  test('Batch routes are unaffected by the JSON 1.1 dispatcher', async () => {
    const res = await signedFetch(barge.url, { path: '/v1/describejobqueues', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { jobQueues: [] });
    const get = await signedFetch(barge.url, { method: 'GET', path: '/' });
    assert.equal(get.status, 400);
    assert.equal(get.headers.get('x-amzn-errortype'), 'ClientException');
  });

  test('a PutLogEvents body over the server-wide 1 MiB limit is accepted', async () => {
    await call('Logs_20140328.CreateLogStream', JSON.stringify({ logGroupName: '/aws/batch/job', logStreamName: 'big' }));
    // 1,000 events of ~1,000 bytes of JSON-escaped text each: under AWS's 1,048,576-byte batch
    // limit as PutLogEvents counts it, but over 1 MiB once JSON escaping is added.
    const message = '"'.repeat(1000);
    const logEvents = Array.from({ length: 1000 }, () => ({ timestamp: Date.now(), message }));
    const body = JSON.stringify({ logGroupName: '/aws/batch/job', logStreamName: 'big', logEvents });
    assert.ok(body.length > 1024 * 1024);
    const res = await call('Logs_20140328.PutLogEvents', body);
    assert.equal(res.status, 200, await res.text());
  });

  test('requests are logged with service logs and the operation name', async () => {
    const res = await call('Logs_20140328.DescribeLogStreams', JSON.stringify({ logGroupName: '/aws/batch/job' }));
    const requestId = res.headers.get('x-amzn-requestid');
    const deadline = Date.now() + 5000;
    let lines: Record<string, unknown>[] = [];
    while (Date.now() < deadline) {
      lines = barge.logs.filter((l) => l['reqId'] === requestId);
      if (lines.length > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!['service'], 'logs');
    assert.equal(lines[0]!['operation'], 'DescribeLogStreams');
    assert.equal(lines[0]!['status'], 200);
  });
});
