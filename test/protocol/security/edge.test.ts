import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  ListTagsForResourceCommand,
  SubmitJobCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-batch';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { rejection } from '../../helpers/clients.js';
import { createEnvironment, createQueue, registerDefinition } from '../../helpers/fixtures.js';
import { logsClient } from '../../helpers/logs-client.js';
import { useBarge } from '../../helpers/server.js';
import { signedFetch } from '../../helpers/signed-fetch.js';

const exec = promisify(execFile);

/** The drive-by request: a definition mounting the host's `/`, sent as a page could send it. */
const MOUNT_ROOT = JSON.stringify({
  jobDefinitionName: 'x',
  type: 'container',
  containerProperties: {
    image: 'localhost/busybox:latest',
    command: ['true'],
    vcpus: 1,
    memory: 64,
    volumes: [{ name: 'h', host: { sourcePath: '/' } }],
    mountPoints: [{ sourceVolume: 'h', containerPath: '/host' }],
  },
});

/** curl, as a user would type it: status code and body. */
async function curl(url: string, headers: string[], body: string): Promise<{ status: number; body: string }> {
  const args = ['-s', '-o', '-', '-w', '\n%{http_code}', ...headers.flatMap((h) => ['-H', h]), '--data', body, url];
  const { stdout } = await exec('curl', args);
  const at = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) };
}

/**
 * The checks every request passes before routing, in local mode (no access keys): what a web
 * page or a DNS-rebinding page can send is refused, for Batch and Logs alike, and changes nothing.
 */
describe('edge checks in local mode', () => {
  const server = useBarge();

  async function nothingRegistered() {
    const definitions = await server.client.send(new DescribeJobDefinitionsCommand({}));
    assert.deepEqual(definitions.jobDefinitions, [], 'no job definition was registered');
  }

  function refusalLines(why: string) {
    return server.barge.logs.filter((l) => l['msg'] === 'request refused' && l['refused'] === why);
  }

  test("the issue's curl requests (text/plain, a foreign Origin, no signature) are refused and change nothing", async () => {
    const url = `${server.barge.url}/v1/registerjobdefinition`;
    const asIssued = await curl(url, ['Content-Type: text/plain', 'Origin: http://evil.example'], MOUNT_ROOT);
    assert.equal(asIssued.status, 403);
    assert.equal(JSON.parse(asIssued.body).__type, 'AccessDeniedException');
    // Each ingredient alone is refused too.
    const unsigned = await curl(url, ['Content-Type: application/json'], MOUNT_ROOT);
    assert.equal(unsigned.status, 403);
    assert.deepEqual(JSON.parse(unsigned.body), { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    const plain = await curl(url, ['Content-Type: text/plain'], MOUNT_ROOT);
    assert.equal(plain.status, 415);
    const rebound = await curl(url, ['Content-Type: application/json', 'Host: evil.example'], MOUNT_ROOT);
    assert.equal(rebound.status, 403);
    assert.match(JSON.parse(rebound.body).message, /Host 'evil\.example' is not a name Barge answers to/);
    const submit = await curl(`${server.barge.url}/v1/submitjob`, ['Content-Type: text/plain', 'Origin: http://evil.example'], JSON.stringify({ jobName: 'j', jobQueue: 'q', jobDefinition: 'x' }));
    assert.equal(submit.status, 403);
    await nothingRegistered();
    for (const why of ['browser-request', 'no-signature', 'content-type', 'host-not-allowed']) {
      assert.ok(refusalLines(why).length > 0, `a log line says the request was refused for ${why}`);
    }
  });

  test('what browsers send for a cross-site form post and a no-cors fetch is refused, even when signed', async () => {
    const formPost = {
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'http://evil.example',
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
    };
    const noCorsFetch = { 'content-type': 'text/plain;charset=UTF-8', origin: 'http://evil.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' };
    for (const headers of [formPost, noCorsFetch]) {
      const res = await signedFetch(server.barge.url, { path: '/v1/registerjobdefinition', body: MOUNT_ROOT, headers });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.headers.get('access-control-allow-origin'), null, 'Barge sends no CORS headers');
    }
    // A correctly typed, signed request is still refused when it comes from a page (Origin or Sec-Fetch-Site).
    const fromPages: Record<string, string>[] = [{ origin: 'http://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: server.barge.url }];
    for (const extra of fromPages) {
      const res = await signedFetch(server.barge.url, { path: '/v1/registerjobdefinition', body: MOUNT_ROOT, headers: { 'content-type': 'application/json', ...extra } });
      assert.equal(res.status, 403, JSON.stringify(extra));
      assert.match(((await res.json()) as { message: string }).message, /does not serve requests that web pages make/);
    }
    await nothingRegistered();
  });

  test('Host must be a loopback name, an IP address or an allowed host; a CORS preflight gets no CORS headers', async () => {
    const port = server.barge.port;
    for (const [host, status] of [
      [`127.0.0.1:${port}`, 200],
      [`localhost:${port}`, 200],
      [`LOCALHOST:${port}`, 200],
      [`barge.localhost:${port}`, 200],
      [`[::1]:${port}`, 200],
      [`10.1.2.3:${port}`, 200],
      [`evil.example:${port}`, 403],
      [`localhost.evil.example:${port}`, 403],
    ] as const) {
      const res = await signedFetch(server.barge.url, { path: '/v1/describejobqueues', body: '{}', headers: { 'content-type': 'application/json' }, host });
      assert.equal(res.status, status, `Host: ${host}`);
    }
    const preflight = await fetch(`${server.barge.url}/v1/submitjob`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  });

  test('malformed signatures are IncompleteSignatureException; a signature for another service is refused', async () => {
    const post = (authorization: string, date = '20261207T120000Z') =>
      fetch(`${server.barge.url}/v1/describejobqueues`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json', authorization, 'x-amz-date': date },
      });
    const sig = 'a'.repeat(64);
    for (const authorization of [
      'Basic dXNlcjpwYXNz',
      'AWS4-HMAC-SHA256 Credential=AKID/20261207/us-east-1/batch/aws4_request',
      `AWS4-HMAC-SHA256 Credential=AKID/2026-12-07/us-east-1/batch/aws4_request, SignedHeaders=host, Signature=${sig}`,
      `AWS4-HMAC-SHA256 Credential=AKID/20261207/us-east-1/batch/aws4_request, SignedHeaders=host, Signature=xyz`,
      `AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/batch/aws4_request, SignedHeaders=host, Signature=${sig}`,
    ]) {
      const res = await post(authorization);
      assert.equal(res.status, 400, authorization);
      assert.equal(res.headers.get('x-amzn-errortype'), 'IncompleteSignatureException', authorization);
    }
    const wrongService = await signedFetch(server.barge.url, { path: '/v1/describejobqueues', body: '{}', service: 'logs', headers: { 'content-type': 'application/json' } });
    assert.equal(wrongService.status, 403);
    assert.match(((await wrongService.json()) as { message: string }).message, /scoped to correct service: 'batch'/);
  });

  test('Logs (JSON 1.1) gets the same checks, with its own error shape', async () => {
    const target = { 'x-amz-target': 'Logs_20140328.CreateLogGroup' };
    const body = JSON.stringify({ logGroupName: 'drive-by' });
    const unsigned = await fetch(`${server.barge.url}/`, { method: 'POST', body, headers: { 'content-type': 'application/x-amz-json-1.1', ...target } });
    assert.equal(unsigned.status, 400);
    assert.equal(unsigned.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.equal(((await unsigned.json()) as { __type: string }).__type, 'MissingAuthenticationTokenException');
    const plain = await signedFetch(server.barge.url, { path: '/', service: 'logs', body, headers: { 'content-type': 'text/plain', ...target } });
    assert.equal(plain.status, 415);
    const fromPage = await signedFetch(server.barge.url, { path: '/', service: 'logs', body, headers: { 'content-type': 'application/x-amz-json-1.1', origin: 'http://evil.example', ...target } });
    assert.equal(fromPage.status, 400);
    assert.equal(((await fromPage.json()) as { __type: string }).__type, 'AccessDeniedException');
    const client = logsClient(server.barge.url);
    try {
      const groups = await client.send(new DescribeLogGroupsCommand({}));
      assert.deepEqual(groups.logGroups, [], 'no log group was created');
    } finally {
      client.destroy();
    }
  });

  test('an unsigned request to a path nobody serves is refused before routing', async () => {
    const res = await fetch(`${server.barge.url}/v1/nosuchthing`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
  });

  test('jobs show who submitted them (barge:createdBy tag); resources record who created them; barge: tags are reserved', async () => {
    const ce = await createEnvironment(server.client);
    const queue = await createQueue(server.client, ce.arn);
    const definition = await registerDefinition(server.client);
    const { jobId, jobArn } = await server.client.send(new SubmitJobCommand({ jobName: 'who', jobQueue: queue.name, jobDefinition: definition.name, tags: { team: 'a' } }));
    const [job] = (await server.client.send(new DescribeJobsCommand({ jobs: [jobId!] }))).jobs!;
    // In local mode the caller is the access key the signature names.
    assert.deepEqual(job!.tags, { team: 'a', 'barge:createdBy': 'AKIDTEST' });
    assert.deepEqual((await server.client.send(new ListTagsForResourceCommand({ resourceArn: jobArn! }))).tags, { team: 'a', 'barge:createdBy': 'AKIDTEST' });
    const raw = await signedFetch(server.barge.url, { path: '/v1/describejobqueues', body: JSON.stringify({ jobQueues: [queue.name] }), headers: { 'content-type': 'application/json' } });
    assert.equal(((await raw.json()) as { jobQueues: { bargeCreatedBy: string }[] }).jobQueues[0]!.bargeCreatedBy, 'AKIDTEST');
    for (const send of [
      () => server.client.send(new TagResourceCommand({ resourceArn: jobArn!, tags: { 'barge:createdBy': 'mallory' } })),
      () => server.client.send(new UntagResourceCommand({ resourceArn: jobArn!, tagKeys: ['barge:createdBy'] })),
      () => server.client.send(new SubmitJobCommand({ jobName: 'forged', jobQueue: queue.name, jobDefinition: definition.name, tags: { 'barge:createdBy': 'x' } })),
    ]) {
      const error = await rejection(send());
      assert.equal(error.name, 'ClientException');
      assert.match(error.message, /"barge:" are reserved/);
    }
    assert.deepEqual((await server.client.send(new ListTagsForResourceCommand({ resourceArn: jobArn! }))).tags, { team: 'a', 'barge:createdBy': 'AKIDTEST' });
    const queues = await server.client.send(new DescribeJobQueuesCommand({ jobQueues: [queue.name] }));
    assert.equal(queues.jobQueues!.length, 1);
  });
});
