import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type BatchClient, DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import { type CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand, type FilterLogEventsCommandOutput, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { batchClient } from '../../helpers/clients.js';
import { type BargeProcess, startBarge } from '../../helpers/server.js';
import { logsClient, seedStream } from './client.js';

/**
 * Issue 11: FilterLogEvents over a stream of large events. One call used to read up to 20,000
 * events whatever their size (over 1 GB: 1.7–5.0 s, other requests waiting up to 6.6 s). Scaled
 * down to 160 events of ~1 MB (the largest event PutLogEvents takes): a call must come back
 * bounded with a nextToken, paging must still reach every match exactly once, and cheap calls
 * must keep their latency while several heavy scans run.
 */
describe('FilterLogEvents bounds over large events', () => {
  const COUNT = 160;
  const group = '/bounds/large';
  // 1 MB per PutLogEvents batch, 26 bytes of which are the event's overhead.
  const body = 'x'.repeat(1_048_576 - 26 - 64);
  const messageOf = (i: number) => `event ${String(i).padStart(4, '0')} ${i % 10 === 0 ? 'MARK' : 'plain'} ${body}`;
  const base = Date.now() - 60 * 60_000;

  let barge: BargeProcess;
  let logs: CloudWatchLogsClient;
  let batch: BatchClient;
  before(async () => {
    barge = await startBarge();
    logs = logsClient(barge.url);
    batch = batchClient(barge.url);
    await seedStream(logs, group, 'big', []);
    for (let i = 0; i < COUNT; i += 1) {
      await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'big', logEvents: [{ timestamp: base + i, message: messageOf(i) }] }));
    }
  });
  after(async () => {
    logs.destroy();
    batch.destroy();
    await barge.stop();
  });

  const timed = async <T>(call: () => Promise<T>): Promise<[T, number]> => {
    const started = performance.now();
    const out = await call();
    return [out, performance.now() - started];
  };

  test('one call over ~160 MB comes back bounded, with a nextToken', async (t) => {
    const [page, ms] = await timed(() => logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'NEVER' })));
    t.diagnostic(`first call: ${page.events?.length ?? 0} events, nextToken ${page.nextToken ? 'set' : 'absent'}, ${Math.round(ms)} ms`);
    assert.deepEqual(page.events, []);
    assert.ok(page.nextToken, 'the scan stops before the end of the stream and says where to resume');
    // Bounded at 32 MiB or 500 ms of scanning per call; generous for a loaded machine.
    assert.ok(ms < 3_000, `the call took ${Math.round(ms)} ms`);
  });

  test('paging with the token reaches every matching event exactly once', async (t) => {
    const found: string[] = [];
    let nextToken: string | undefined;
    let calls = 0;
    let slowest = 0;
    do {
      const [page, ms] = await timed(() => logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'MARK', nextToken })));
      slowest = Math.max(slowest, ms);
      calls += 1;
      found.push(...(page.events ?? []).map((e) => e.message!.slice(0, 15)));
      nextToken = page.nextToken;
      assert.ok(calls <= 100, 'paging ends');
    } while (nextToken);
    t.diagnostic(`${found.length} matches in ${calls} calls, slowest ${Math.round(slowest)} ms`);
    assert.deepEqual(found, Array.from({ length: COUNT / 10 }, (_, k) => messageOf(k * 10).slice(0, 15)));
    assert.ok(calls > 1, 'the scan is split over several calls');
    assert.ok(slowest < 3_000, `slowest call ${Math.round(slowest)} ms`);

    // Pages cut by the 1 MB response cap and by the scan bounds together still lose nothing.
    const all: number[] = [];
    nextToken = undefined;
    do {
      const page: FilterLogEventsCommandOutput = await logs.send(new FilterLogEventsCommand({ logGroupName: group, limit: 3, nextToken }));
      all.push(...(page.events ?? []).map((e) => Number(e.message!.slice(6, 10))));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(all, Array.from({ length: COUNT }, (_, i) => i));
  });

  test('cheap calls keep their latency while heavy scans run', async (t) => {
    // Eight full scans at once. Before the bounds, each call read the whole stream in one go and
    // held the event loop meanwhile, so a cheap call queued behind them waited for all eight.
    let heavyDone = 0;
    const scan = async () => {
      let nextToken: string | undefined;
      do {
        nextToken = (await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'NEVER', nextToken }))).nextToken;
      } while (nextToken);
      heavyDone += 1;
    };
    const SCANS = 8;
    // The Batch client's first call opens its connection; measure the server, not that.
    await batch.send(new DescribeJobQueuesCommand({}));
    const heavy = Promise.all(Array.from({ length: SCANS }, scan));
    const latencies: number[] = [];
    while (heavyDone < SCANS) {
      const [, groupsMs] = await timed(() => logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/bounds/' })));
      const [, queuesMs] = await timed(() => batch.send(new DescribeJobQueuesCommand({})));
      latencies.push(groupsMs, queuesMs);
    }
    await heavy;
    const worst = Math.max(...latencies);
    t.diagnostic(`${latencies.length} cheap calls during the scans; worst ${Math.round(worst)} ms`);
    assert.ok(latencies.length >= 4, 'cheap calls were answered while the scans ran');
    assert.ok(worst < 750, `a cheap call waited ${Math.round(worst)} ms`);
  });
});
