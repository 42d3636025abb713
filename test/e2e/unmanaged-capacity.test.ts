import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CreateComputeEnvironmentCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import { createQueue, shellDefinition, uniqueName } from '../helpers/fixtures.js';
import { useBarge } from '../helpers/server.js';
import { waitForEnd } from '../helpers/wait.js';

/**
 * The most jobs that were between their `start` and `end` lines at once. Each job appends its
 * lines to one host file with O_APPEND, so the file's order is the order the events happened
 * in, and no clock (container or host) is involved.
 */
function maxOverlap(lines: string[]): number {
  let running = 0;
  let max = 0;
  for (const line of lines) {
    if (line.startsWith('start ')) running += 1;
    else if (line.startsWith('end ')) running -= 1;
    max = Math.max(max, running);
  }
  return max;
}

describe('UNMANAGED compute environments', () => {
  const server = useBarge();

  test('unmanagedvCpus is the capacity: four 1-vCPU jobs run two at a time on unmanagedvCpus 2', async (t) => {
    const hostDir = mkdtempSync(join(tmpdir(), 'barge-unmanaged-'));
    t.after(() => rmSync(hostDir, { recursive: true, force: true }));
    const name = uniqueName('unmanaged');
    const ce = await server.client.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: name, type: 'UNMANAGED', unmanagedvCpus: 2 }));
    const queue = await createQueue(server.client, ce.computeEnvironmentArn!);
    // Each job holds on until two jobs have started (or 20 s passed), so two at a time is seen
    // whenever the capacity allows it, however slowly containers start.
    const barrier = 'n=0; while [ "$(grep -c start /out/events)" -lt 2 ] && [ $n -lt 200 ]; do sleep 0.1; n=$((n+1)); done; sleep 0.5';
    const def = await shellDefinition(server.client, `echo "start $AWS_BATCH_JOB_ID" >> /out/events; ${barrier}; echo "end $AWS_BATCH_JOB_ID" >> /out/events`, {
      vcpus: 1,
      hostDir,
    });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push((await server.client.send(new SubmitJobCommand({ jobName: `u${i}`, jobQueue: queue.name, jobDefinition: def.name }))).jobId!);
    }
    for (const id of ids) {
      const job = await waitForEnd(server.client, id, 120_000);
      assert.equal(job.status, 'SUCCEEDED', `${id}: ${job.statusReason}`);
      assert.equal(job.container?.exitCode, 0);
    }
    const events = readFileSync(join(hostDir, 'events'), 'utf8').trim().split('\n');
    assert.equal(events.length, 8, `every job wrote start and end: ${events.join(' | ')}`);
    assert.equal(maxOverlap(events), 2, `two jobs at a time, never more: ${events.join(' | ')}`);
  });
});
