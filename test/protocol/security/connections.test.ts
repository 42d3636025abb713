import aws4 from 'aws4';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DescribeJobQueuesCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import { REGION } from '../../helpers/clients.js';
import { createEnvironment, createQueue, registerDefinition } from '../../helpers/fixtures.js';
import { logsClient, streamMessages } from '../../helpers/logs-client.js';
import { useBarge } from '../../helpers/server.js';
import { waitFor, waitForStatus } from '../../helpers/wait.js';

const FILE_LIMIT = 4096;
const FLOOD = 6000;

function openConnection(port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    // Flowing, so that a close by the server is seen ('end', then 'close').
    socket.resume();
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(undefined));
  });
}

function descriptorsOf(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * Connections that clients open and leave idle cannot take Barge down: under an open-file limit
 * of 4,096, 6,000 idle connections once exhausted its descriptors (empty replies to new clients,
 * and a job that had finished recorded as lost). Now idle connections beyond the cap are closed
 * to make room and time out on their own.
 */
describe('idle connections', () => {
  const server = useBarge({ commandPrefix: ['prlimit', `--nofile=${FILE_LIMIT}:${FILE_LIMIT}`] });
  const flood: Socket[] = [];
  let queue: string;
  let definition: string;

  before(async () => {
    const ce = await createEnvironment(server.client);
    queue = (await createQueue(server.client, ce.arn)).name;
    definition = (await registerDefinition(server.client, { command: ['sh', '-c', 'sleep 2; seq 1 500; echo done'] })).name;
  });
  after(() => {
    for (const socket of flood) socket.destroy();
  });

  test(`${FLOOD} idle connections under a ${FILE_LIMIT}-descriptor limit: Barge keeps serving, a running job ends normally`, async () => {
    const pid = server.barge.process.pid!;
    const { jobId } = await server.client.send(new SubmitJobCommand({ jobName: 'through-the-flood', jobQueue: queue, jobDefinition: definition }));
    await waitForStatus(server.client, jobId!, ['RUNNING']);
    let maxDescriptors = 0;
    for (let i = 0; i < FLOOD; i += 500) {
      const batch = await Promise.all(Array.from({ length: 500 }, () => openConnection(server.barge.port)));
      for (const socket of batch) if (socket) flood.push(socket);
      maxDescriptors = Math.max(maxDescriptors, descriptorsOf(pid));
    }
    assert.ok(maxDescriptors < FILE_LIMIT - 256, `Barge held ${maxDescriptors} descriptors at most, leaving room under its limit of ${FILE_LIMIT}`);
    // A new client is served while the idle connections are still open.
    const started = Date.now();
    const queues = await server.client.send(new DescribeJobQueuesCommand({}));
    assert.ok(queues.jobQueues!.length > 0);
    assert.ok(Date.now() - started < 10_000, 'answered without waiting for idle connections to time out');
    const job = await waitForStatus(server.client, jobId!, ['SUCCEEDED', 'FAILED']);
    assert.equal(job.status, 'SUCCEEDED', job.statusReason);
    assert.equal(job.attempts!.length, 1);
    const logs = logsClient(server.barge.url);
    try {
      const lines = await streamMessages(logs, '/aws/batch/job', job.container!.logStreamName!);
      assert.equal(lines.at(-1), 'done');
      assert.equal(lines.length, 501);
    } finally {
      logs.destroy();
    }
    const warnings = server.barge.logs.filter((l) => l['msg'] === 'client connection cap reached: idle connections were closed to make room');
    assert.ok(warnings.length >= 1 && warnings.length <= 3, `${warnings.length} warnings, not one per connection`);
  });

  test('a connection that sends no request is closed after the 10 s headers timeout', async () => {
    const socket = await openConnection(server.barge.port);
    assert.ok(socket);
    const opened = Date.now();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const seconds = (Date.now() - opened) / 1000;
    assert.ok(seconds >= 9 && seconds < 20, `closed after ${seconds} s`);
  });

  test('a client that gives up before the answer leaves a log line saying so, with the time it took', async () => {
    const body = JSON.stringify({ jobName: 'impatient', jobQueue: queue, jobDefinition: definition });
    const url = new URL(server.barge.url);
    const signed = aws4.sign(
      { service: 'batch', region: REGION, method: 'POST', host: url.host, path: '/v1/submitjob', headers: { 'content-type': 'application/json' }, body },
      { accessKeyId: 'AKIDIMPATIENT', secretAccessKey: 'secret' },
    );
    let head = 'POST /v1/submitjob HTTP/1.1\r\n';
    for (const [name, value] of Object.entries(signed.headers ?? {})) head += `${name}: ${String(value)}\r\n`;
    // The client gives up while its body is still on the way: nothing is submitted, and the line says so.
    const partial = await openConnection(server.barge.port);
    assert.ok(partial);
    partial.write(`${head}\r\n${body.slice(0, 10)}`);
    await new Promise((r) => setTimeout(r, 200));
    partial.destroy();
    const line = await waitFor('the log line of the abandoned request', async () =>
      server.barge.logs.find((l) => l['accessKeyId'] === 'AKIDIMPATIENT' && l['clientGone'] === true), 30_000);
    assert.equal(line['msg'], 'client closed the connection before the answer');
    assert.equal(line['level'], 40);
    assert.equal(line['status'], undefined, 'no answer was sent');
    assert.ok(Number(line['durationMs']) >= 150, `it had been going ${String(line['durationMs'])} ms`);
  });
});
