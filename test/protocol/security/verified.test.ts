import aws4 from 'aws4';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  BatchClient,
  CreateComputeEnvironmentCommand,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  ListTagsForResourceCommand,
  SubmitJobCommand,
} from '@aws-sdk/client-batch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../../src/protocol/node-sha256.js';
import { REGION, rejection } from '../../helpers/clients.js';
import { createEnvironment, createQueue, registerDefinition } from '../../helpers/fixtures.js';
import { type BargeProcess, startBarge } from '../../helpers/server.js';
import { signedFetch } from '../../helpers/signed-fetch.js';

const exec = promisify(execFile);
const SCRIPTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../scripts');

const ALICE = { accessKeyId: 'AKIDALICE', secretAccessKey: 'alice-secret-key-0123456789' };
const BOB = { accessKeyId: 'AKIDBOB', secretAccessKey: 'bob-secret-key-0123456789' };
const CAROL = { accessKeyId: 'AKIDCAROL', secretAccessKey: 'carol-secret-key-0123456789' };
const WRONG_SECRET = { accessKeyId: ALICE.accessKeyId, secretAccessKey: 'not-alices-secret' };
const UNKNOWN_KEY = { accessKeyId: 'AKIDMALLORY', secretAccessKey: 'whatever' };
const TEN_MINUTES = 10 * 60_000;

type Credentials = { accessKeyId: string; secretAccessKey: string };

/**
 * Barge with access keys configured (a credentials file with alice and bob, carol from the
 * environment): every signature is verified. The SDK v3, the AWS CLI v2 and boto3 work with a
 * configured key, and get AWS's error codes for a wrong secret, an unknown key and a stale date.
 */
describe('SigV4 verification with configured access keys', () => {
  let barge: BargeProcess;
  let dir: string;
  const clients: { destroy(): void }[] = [];

  const batch = (credentials: Credentials, extra: { systemClockOffset?: number } = {}) => {
    const client = new BatchClient({ endpoint: barge.url, region: REGION, credentials, maxAttempts: 1, ...extra });
    clients.push(client);
    return client;
  };
  const logs = (credentials: Credentials) => {
    const client = new CloudWatchLogsClient({ endpoint: barge.url, region: REGION, credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'barge-keys-'));
    const file = join(dir, 'creds.json');
    writeFileSync(file, JSON.stringify([{ ...ALICE, name: 'alice' }, { ...BOB, name: 'bob' }]));
    chmodSync(file, 0o600);
    barge = await startBarge({
      args: ['--credentials-file', file],
      env: { BARGE_ACCESS_KEY_ID: CAROL.accessKeyId, BARGE_SECRET_ACCESS_KEY: CAROL.secretAccessKey, BARGE_ACCESS_KEY_NAME: 'carol' },
    });
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await barge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('SDK v3 with a configured key works; jobs and resources record the key name; the request log names the caller', async () => {
    const alice = batch(ALICE);
    const bob = batch(BOB);
    const ce = await createEnvironment(alice);
    const queue = await createQueue(bob, ce.arn);
    const definition = await registerDefinition(batch(CAROL));
    const { jobId, jobArn } = await alice.send(new SubmitJobCommand({ jobName: 'by-alice', jobQueue: queue.name, jobDefinition: definition.name }));
    const [job] = (await bob.send(new DescribeJobsCommand({ jobs: [jobId!] }))).jobs!;
    assert.deepEqual(job!.tags, { 'barge:createdBy': 'alice' });
    assert.deepEqual((await bob.send(new ListTagsForResourceCommand({ resourceArn: jobArn! }))).tags, { 'barge:createdBy': 'alice' });
    const describe = async (path: string, body: object) =>
      (await signedFetch(barge.url, { path, body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, credentials: ALICE })).json();
    const queues = (await describe('/v1/describejobqueues', { jobQueues: [queue.name] })) as { jobQueues: { bargeCreatedBy: string }[] };
    assert.equal(queues.jobQueues[0]!.bargeCreatedBy, 'bob');
    const environments = (await describe('/v1/describecomputeenvironments', { computeEnvironments: [ce.name] })) as { computeEnvironments: { bargeCreatedBy: string }[] };
    assert.equal(environments.computeEnvironments[0]!.bargeCreatedBy, 'alice');
    const definitions = (await describe('/v1/describejobdefinitions', { jobDefinitionName: definition.name })) as { jobDefinitions: { bargeCreatedBy: string }[] };
    assert.equal(definitions.jobDefinitions[0]!.bargeCreatedBy, 'carol');
    const line = barge.logs.find((l) => l['operation'] === 'SubmitJob');
    assert.equal(line?.['caller'], 'alice');
    assert.equal(line?.['accessKeyId'], ALICE.accessKeyId);
  });

  test('SDK v3: a wrong secret, an unknown key and a stale or future date get AWS’s codes and change nothing', async () => {
    const cases: [string, BatchClient, string, RegExp][] = [
      ['wrong secret', batch(WRONG_SECRET), 'InvalidSignatureException', /signature we calculated does not match/],
      ['unknown key', batch(UNKNOWN_KEY), 'UnrecognizedClientException', /security token included in the request is invalid/],
      ['10 minutes late', batch(ALICE, { systemClockOffset: -TEN_MINUTES }), 'InvalidSignatureException', /^Signature expired: \d{8}T\d{6}Z is now earlier than/],
      ['10 minutes early', batch(ALICE, { systemClockOffset: TEN_MINUTES }), 'InvalidSignatureException', /^Signature not yet current/],
    ];
    for (const [what, client, code, message] of cases) {
      const error = await rejection(client.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'refused', type: 'UNMANAGED', unmanagedvCpus: 1 })));
      assert.equal(error.name, code, what);
      assert.equal(error.$metadata?.httpStatusCode, 403, what);
      assert.match(error.message, message, what);
    }
    const logsCases: [Credentials, string][] = [
      [WRONG_SECRET, 'InvalidSignatureException'],
      [UNKNOWN_KEY, 'UnrecognizedClientException'],
    ];
    for (const [credentials, code] of logsCases) {
      const error = await rejection(logs(credentials).send(new DescribeLogGroupsCommand({})));
      assert.equal(error.name, code);
      assert.equal(error.$metadata?.httpStatusCode, 400, 'JSON 1.1 services answer front-door errors with 400, as AWS does');
    }
    await logs(ALICE).send(new DescribeLogGroupsCommand({}));
    const names = (await batch(ALICE).send(new DescribeJobQueuesCommand({}))).jobQueues!.map((q) => q.jobQueueName);
    assert.ok(!names.includes('refused'));
    const refused = barge.logs.filter((l) => l['msg'] === 'request refused');
    assert.ok(refused.some((l) => l['refused'] === 'unknown-key' && l['accessKeyId'] === UNKNOWN_KEY.accessKeyId));
    assert.ok(refused.some((l) => l['refused'] === 'signature-mismatch'));
  });

  test('AWS CLI v2: a configured key works; a wrong secret, an unknown key and a stale clock fail with AWS’s codes', async () => {
    const aws = async (credentials: Credentials, args: string[], faketime?: string) => {
      const command = ['/usr/bin/aws', ...args, '--endpoint-url', barge.url, '--output', 'json'];
      const [file, argv] = faketime ? ['faketime', ['-f', faketime, ...command]] : [command[0]!, command.slice(1)];
      return exec(file, argv, {
        env: { ...process.env, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_DEFAULT_REGION: REGION, AWS_MAX_ATTEMPTS: '1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    };
    const ok = await aws(ALICE, ['batch', 'describe-job-queues']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(Array.isArray(JSON.parse(ok.stdout).jobQueues));
    const tags = await aws(BOB, ['batch', 'list-tags-for-resource', '--resource-arn', `arn:aws:batch:${REGION}:123456789012:job-queue/none`]);
    assert.match(tags.stderr, /ClientException/, 'a tags path (ARN encoded twice in the signature) verifies: the error is the missing queue');
    const logsOk = await aws(CAROL, ['logs', 'describe-log-groups']);
    assert.equal(logsOk.code, 0, logsOk.stderr);
    for (const [credentials, faketime, pattern] of [
      [WRONG_SECRET, undefined, /\(InvalidSignatureException\).*signature we calculated does not match/],
      [UNKNOWN_KEY, undefined, /\(UnrecognizedClientException\)/],
      [ALICE, '-10m', /\(InvalidSignatureException\).*Signature expired/],
    ] as const) {
      const failed = await aws(credentials, ['batch', 'describe-job-queues'], faketime);
      assert.notEqual(failed.code, 0);
      assert.match(failed.stderr, pattern);
    }
  });

  test('boto3: a configured key works; a wrong secret, an unknown key and a stale clock fail with AWS’s codes', async () => {
    const boto3 = async (credentials: Credentials, service: string, operation: string, faketime?: string) => {
      const command = ['python3', join(SCRIPTS, 'boto3-call.py'), barge.url, service, operation];
      const [file, argv] = faketime ? ['faketime', ['-f', faketime, ...command]] : [command[0]!, command.slice(1)];
      const { stdout } = await exec(file, argv, {
        env: { ...process.env, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_DEFAULT_REGION: REGION, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      });
      return JSON.parse(stdout.trim().split('\n').pop()!) as { ok?: Record<string, unknown>; error?: string; status?: number; message?: string };
    };
    assert.ok(Array.isArray((await boto3(ALICE, 'batch', 'describe_job_queues')).ok?.['jobQueues']));
    assert.ok(Array.isArray((await boto3(BOB, 'logs', 'describe_log_groups')).ok?.['logGroups']));
    const wrong = await boto3(WRONG_SECRET, 'batch', 'describe_job_queues');
    assert.deepEqual([wrong.error, wrong.status], ['InvalidSignatureException', 403]);
    const unknown = await boto3(UNKNOWN_KEY, 'logs', 'describe_log_groups');
    assert.deepEqual([unknown.error, unknown.status], ['UnrecognizedClientException', 400]);
    const stale = await boto3(ALICE, 'batch', 'describe_job_queues', '-10m');
    assert.equal(stale.error, 'InvalidSignatureException');
    assert.match(stale.message ?? '', /Signature expired/);
  });

  test('payload hashes: UNSIGNED-PAYLOAD is accepted, a body that differs from what was signed is refused', async () => {
    const body = JSON.stringify({ jobQueues: [] });
    const unsigned = await signedFetch(barge.url, { path: '/v1/describejobqueues', body, headers: { 'content-type': 'application/json', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, credentials: ALICE });
    assert.equal(unsigned.status, 200);
    const wrongHash = await signedFetch(barge.url, { path: '/v1/describejobqueues', body, headers: { 'content-type': 'application/json', 'x-amz-content-sha256': 'e'.repeat(64) }, credentials: ALICE });
    assert.equal(wrongHash.status, 403);
    assert.match(((await wrongHash.json()) as { message: string }).message, /x-amz-content-sha256/);
    // Signed for one body, sent with another: the signature covers the body's hash.
    const signed = aws4.sign(
      { service: 'batch', region: REGION, method: 'POST', host: new URL(barge.url).host, path: '/v1/registerjobdefinition', headers: { 'content-type': 'application/json' }, body: '{"jobDefinitionName":"harmless","type":"container"}' },
      ALICE,
    );
    const headers = Object.fromEntries(Object.entries(signed.headers ?? {}).filter(([k]) => k !== 'Host' && k !== 'Content-Length').map(([k, v]) => [k, String(v)]));
    const swapped = await fetch(`${barge.url}/v1/registerjobdefinition`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jobDefinitionName: 'evil', type: 'container', containerProperties: { image: 'localhost/busybox:latest', vcpus: 1, memory: 64, privileged: true } }),
    });
    assert.equal(swapped.status, 403);
    assert.equal(swapped.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
    assert.deepEqual((await batch(ALICE).send(new DescribeJobDefinitionsCommand({ jobDefinitionName: 'evil' }))).jobDefinitions, []);
  });

  test('presigned URLs verify until they expire; a session token Barge did not issue is refused', async () => {
    const signer = new SignatureV4({ service: 'batch', region: REGION, credentials: ALICE, sha256: NodeSha256 });
    const url = new URL(barge.url);
    const request = { method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: `/v1/tags/${encodeURIComponent(`arn:aws:batch:${REGION}:123456789012:job-queue/none`)}`, headers: { host: url.host }, query: {} };
    const presigned = await signer.presign(request, { expiresIn: 60 });
    const query = Object.entries(presigned.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
    const fresh = await fetch(`${barge.url}${presigned.path}?${query}`);
    assert.equal(fresh.headers.get('x-amzn-errortype'), 'ClientException', 'the signature verified; the queue does not exist');
    const old = await signer.presign(request, { expiresIn: 60, signingDate: new Date(Date.now() - 120_000) });
    const oldQuery = Object.entries(old.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
    const expired = await fetch(`${barge.url}${old.path}?${oldQuery}`);
    assert.equal(expired.status, 403);
    assert.match(((await expired.json()) as { message: string }).message, /Signature expired/);
    const withToken = new BatchClient({ endpoint: barge.url, region: REGION, credentials: { ...ALICE, sessionToken: 'forged' }, maxAttempts: 1 });
    clients.push(withToken);
    const error = await rejection(withToken.send(new DescribeJobQueuesCommand({})));
    assert.equal(error.name, 'UnrecognizedClientException');
  });
});
