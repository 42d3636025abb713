import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { SubmitJobCommand } from '@aws-sdk/client-batch';
import { batchClient } from '../helpers/clients.js';
import { createEnvironment, createQueue, registerDefinition } from '../helpers/fixtures.js';
import { logsClient, streamMessages } from '../helpers/logs-client.js';
import { type BargeProcess, startBarge } from '../helpers/server.js';
import { waitForStatus } from '../helpers/wait.js';

/**
 * In local mode a job on the host network can reach Barge's API on 127.0.0.1 like any local
 * process (README: Security); `--job-network none` keeps jobs off it. The job below tries to
 * open Barge's port and prints what happened.
 */
describe('what a job container can reach of the API', () => {
  const started: BargeProcess[] = [];
  after(async () => {
    for (const barge of started) await barge.stop();
  });

  async function probeFromJob(jobNetwork: 'host' | 'none'): Promise<string[]> {
    const barge = await startBarge({ args: ['--job-network', jobNetwork] });
    started.push(barge);
    const client = batchClient(barge.url);
    const logs = logsClient(barge.url);
    try {
      const ce = await createEnvironment(client);
      const queue = await createQueue(client, ce.arn);
      const url = `http://127.0.0.1:${barge.port}/v1/describejobqueues`;
      const definition = await registerDefinition(client, {
        command: ['sh', '-c', `wget -q -O- --header 'Content-Type: application/json' --post-data '{}' ${url} 2>&1; echo "exit $?"`],
      });
      const { jobId } = await client.send(new SubmitJobCommand({ jobName: 'probe', jobQueue: queue.name, jobDefinition: definition.name }));
      const job = await waitForStatus(client, jobId!, ['SUCCEEDED', 'FAILED']);
      return await streamMessages(logs, '/aws/batch/job', job.container!.logStreamName!);
    } finally {
      client.destroy();
      logs.destroy();
    }
  }

  test('on the host network a job reaches the API (unsigned, so refused); with --job-network none it cannot connect at all', async () => {
    const host = (await probeFromJob('host')).join('\n');
    assert.match(host, /403 Forbidden/, `the job reached Barge, which refused its unsigned request:\n${host}`);
    const none = (await probeFromJob('none')).join('\n');
    assert.match(none, /can't connect|Connection refused/i, none);
    assert.doesNotMatch(none, /403/);
  });
});
