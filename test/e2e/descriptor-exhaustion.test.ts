import assert from 'node:assert/strict';
import { readdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SubmitJobCommand } from '@aws-sdk/client-batch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { containerExit, containersWithLabelValue } from '../helpers/docker.js';
import { createEnvironment, createQueue, shellDefinition, uniqueName } from '../helpers/fixtures.js';
import { logsClient, streamMessages } from '../helpers/logs-client.js';
import { useBarge } from '../helpers/server.js';
import { waitFor, waitForEnd, waitForStatus } from '../helpers/wait.js';

const FD_LIMIT = 300;

/** Opens a TCP connection and resolves once it is established; it stays idle. */
function openIdle(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * A job must never be lost because Barge itself ran out of file descriptors. Barge runs under
 * a limit of 300 descriptors, idle TCP connections take every one of them while a job runs, and
 * the job exits meanwhile: Barge cannot open a connection to the Docker engine to see the
 * exit. Once the connections go, the attempt is followed again from where its output was, and
 * the job ends SUCCEEDED with one attempt, as if nothing had happened.
 */
describe('a job that ends while Barge has no file descriptor left', () => {
  // The connection cap (test/protocol/security/connections.test.ts) keeps descriptors free for
  // Barge's own work; here it is set beyond the limit so that descriptors really run out.
  const server = useBarge({ commandPrefix: ['prlimit', `--nofile=${FD_LIMIT}:${FD_LIMIT}`], args: ['--max-connections', '100000'] });
  let logs: CloudWatchLogsClient;
  let queue: string;
  let hostDir: string;
  before(async () => {
    logs = logsClient(server.barge.url);
    const ce = await createEnvironment(server.client);
    queue = (await createQueue(server.client, ce.arn)).name;
    hostDir = mkdtempSync(join(tmpdir(), 'barge-emfile-'));
  });
  after(() => {
    logs.destroy();
    rmSync(hostDir, { recursive: true, force: true });
  });

  test('SUCCEEDED with one attempt and all its output, not a lost attempt', async () => {
    const def = await shellDefinition(server.client, 'echo started; while [ ! -e /out/go ]; do sleep 0.1; done; echo finished', { hostDir });
    const { jobId } = await server.client.send(
      new SubmitJobCommand({ jobName: uniqueName('emfile'), jobQueue: queue, jobDefinition: def.name, retryStrategy: { attempts: 3 } }),
    );
    const running = await waitForStatus(server.client, jobId!, ['RUNNING']);
    const [container] = containersWithLabelValue('barge.job-id', jobId!);
    assert.ok(container, 'the job has a container');

    const pid = server.barge.process.pid!;
    const descriptors = () => readdirSync(`/proc/${pid}/fd`).length;
    const sockets: Socket[] = [];
    try {
      // Connections until Barge's descriptor table is full: it then accepts each new one only
      // to close it at once, so the count stops growing.
      while (descriptors() < FD_LIMIT && sockets.length < FD_LIMIT + 50) {
        sockets.push(await openIdle(server.barge.port));
      }
      await sleep(200);
      assert.equal(descriptors(), FD_LIMIT, 'every descriptor Barge may have is taken');

      writeFileSync(join(hostDir, 'go'), '');
      assert.equal(await containerExit(container), 0);
      // Barge notices the exit and cannot open a connection to the engine to follow it up.
      await waitFor(
        'Barge to fail to reach the engine for want of descriptors',
        async () => (server.barge.logs.some((l) => l['jobId'] === jobId && /EMFILE/.test(JSON.stringify(l['err'] ?? ''))) ? true : undefined),
        30_000,
      );
      await sleep(1000);
    } finally {
      for (const socket of sockets) socket.destroy();
    }

    const ended = await waitForEnd(server.client, jobId!, 60_000);
    assert.equal(ended.status, 'SUCCEEDED', ended.statusReason);
    assert.equal(ended.container?.exitCode, 0);
    assert.equal(ended.attempts?.length, 1, 'the attempt was not counted as lost');
    assert.deepEqual(await streamMessages(logs, '/aws/batch/job', running.container!.logStreamName!), ['started', 'finished']);
    const lost = server.barge.logs.filter((l) => l['jobId'] === jobId && /lost/.test(String(l['msg'])));
    assert.deepEqual(lost, [], 'no attempt was taken for lost');
  });
});
