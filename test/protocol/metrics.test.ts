import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ListJobsCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import { createEnvironment, createQueue, registerDefinition, shellDefinition } from '../helpers/fixtures.js';
import { type BargeProcess, startBarge, useBarge } from '../helpers/server.js';
import { waitFor, waitForEnd } from '../helpers/wait.js';
import { sample, scrape } from '../helpers/metrics.js';

describe('Prometheus metrics at /metrics', () => {
  const fixture = useBarge();

  test('counts match what the API says: requests, jobs by queue and status, starts, passes, leader, store and engine calls', async () => {
    const { client, barge } = fixture;
    // A queue whose environment is DISABLED: its jobs wait in RUNNABLE and can be counted.
    const parked = await createEnvironment(client, { state: 'DISABLED' });
    const parkedQueue = await createQueue(client, parked.arn);
    const definition = await registerDefinition(client);
    for (let i = 0; i < 7; i++) await client.send(new SubmitJobCommand({ jobName: `m${i}`, jobQueue: parkedQueue.name, jobDefinition: definition.name }));
    // And one job that runs.
    const live = await createEnvironment(client);
    const liveQueue = await createQueue(client, live.arn);
    const shell = await shellDefinition(client, 'echo hi');
    const ran = (await client.send(new SubmitJobCommand({ jobName: 'ran', jobQueue: liveQueue.name, jobDefinition: shell.name }))).jobId!;
    assert.equal((await waitForEnd(client, ran)).status, 'SUCCEEDED');
    const runnable = (await client.send(new ListJobsCommand({ jobQueue: parkedQueue.name, jobStatus: 'RUNNABLE' }))).jobSummaryList!.length;
    assert.equal(runnable, 7);

    const { status, body, contentType } = await scrape(barge.url);
    assert.equal(status, 200);
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(body, 'barge_jobs', { queue: parkedQueue.name, status: 'RUNNABLE' }), runnable);
    assert.equal(sample(body, 'barge_jobs', { queue: liveQueue.name, status: 'SUCCEEDED' }), 1);
    assert.equal(sample(body, 'barge_api_requests_total', { service: 'batch', operation: 'SubmitJob', status: '200' }), 8);
    assert.ok((sample(body, 'barge_api_request_duration_seconds_count', { service: 'batch', operation: 'SubmitJob' }) ?? 0) === 8);
    assert.equal(sample(body, 'barge_job_submit_to_start_seconds_count', { queue: liveQueue.name }), 1);
    assert.ok((sample(body, 'barge_scheduler_pass_duration_seconds_count') ?? 0) > 0, 'scheduling passes are timed');
    assert.equal(sample(body, 'barge_leader'), 1);
    assert.ok((sample(body, 'barge_backend_call_duration_seconds_count', { component: 'store', method: 'insertJobs' }) ?? 0) >= 8);
    assert.ok((sample(body, 'barge_backend_call_duration_seconds_count', { component: 'engine', method: 'start' }) ?? 0) >= 1, 'engine calls are timed');
    assert.ok((sample(body, 'barge_process_resident_memory_bytes') ?? 0) > 0, 'process metrics are there');

    // A failed request is counted under its status.
    await client.send(new SubmitJobCommand({ jobName: 'x', jobQueue: 'no-such-queue', jobDefinition: definition.name })).catch(() => undefined);
    const again = await scrape(barge.url);
    assert.equal(sample(again.body, 'barge_api_requests_total', { service: 'batch', operation: 'SubmitJob', status: '400' }), 1);
  });

  test('the edge checks apply: a rebinding Host and a browser request are refused', async () => {
    const { barge } = fixture;
    assert.equal((await scrape(barge.url, { Host: 'evil.example' })).status, 403);
    assert.equal((await scrape(barge.url, { Origin: 'http://evil.example' })).status, 403);
    assert.equal((await scrape(barge.url, { 'Sec-Fetch-Site': 'cross-site' })).status, 403);
  });
});

/**
 * A scraper beyond loopback: Barge listens on a veth address in the root namespace and the
 * scraper runs in a network namespace this test creates, so its requests come from a
 * non-loopback address.
 */
describe('/metrics from beyond loopback', () => {
  const NS = `barge-metrics-${process.pid}`;
  const HOST_SIDE = `bm${process.pid % 100000}h`;
  const NS_SIDE = `bm${process.pid % 100000}n`;
  const NET = `10.231.${(process.pid % 200) + 20}`;
  const KEY = { accessKeyId: 'AKIDMETRICS', secretAccessKey: 'metrics-secret-0123456789' };
  let barge: BargeProcess | undefined;

  // /usr/sbin, which a non-login root shell may not have on its PATH.
  const IP = existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : 'ip';
  const ip = (...args: string[]) => execFileSync(IP, args, { stdio: 'pipe' });
  const curlFromNamespace = (...args: string[]) => {
    const result = spawnSync(IP, ['netns', 'exec', NS, 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', ...args], { encoding: 'utf8' });
    return result.stdout.trim();
  };

  before(async () => {
    ip('netns', 'add', NS);
    ip('link', 'add', HOST_SIDE, 'type', 'veth', 'peer', 'name', NS_SIDE);
    ip('link', 'set', NS_SIDE, 'netns', NS);
    ip('addr', 'add', `${NET}.1/24`, 'dev', HOST_SIDE);
    ip('link', 'set', HOST_SIDE, 'up');
    ip('-n', NS, 'addr', 'add', `${NET}.2/24`, 'dev', NS_SIDE);
    ip('-n', NS, 'link', 'set', NS_SIDE, 'up');
    ip('-n', NS, 'link', 'set', 'lo', 'up');
    barge = await startBarge({ args: ['--host', `${NET}.1`], env: { BARGE_ACCESS_KEY_ID: KEY.accessKeyId, BARGE_SECRET_ACCESS_KEY: KEY.secretAccessKey } });
  });

  after(async () => {
    await barge?.stop();
    spawnSync(IP, ['link', 'del', HOST_SIDE]);
    spawnSync(IP, ['netns', 'del', NS]);
  });

  test('refused without credentials, served with a configured key as HTTP Basic credentials, refused with a wrong secret', async () => {
    const url = `http://${NET}.1:${barge!.port}/metrics`;
    assert.equal(curlFromNamespace(url), '403');
    assert.equal(curlFromNamespace('-u', `${KEY.accessKeyId}:wrong-secret`, url), '403');
    assert.equal(curlFromNamespace('-u', `${KEY.accessKeyId}:${KEY.secretAccessKey}`, url), '200');
    // Each refusal is logged with why (the lines arrive through Barge's stdout).
    for (const why of ['metrics-not-local', 'unknown-key']) {
      await waitFor(`a 'request refused' line for ${why}`, async () =>
        barge!.logs.some((l) => l['msg'] === 'request refused' && l['refused'] === why) ? true : undefined, 5000);
    }
  });
});
