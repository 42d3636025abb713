import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type CloudWatchLogsClient,
  CreateLogStreamCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { type BargeProcess, startBarge } from '../../helpers/server.js';
import { logsClient, seedStream } from './client.js';

/**
 * 100,000 events in one stream, appended with PutLogEvents in 5,000-event batches (while
 * other streams append concurrently), then read back whole in both directions and through
 * FilterLogEvents. Pages must respect the 1 MB cap (reference §3) and keyset tokens must keep each
 * page as cheap as the first.
 */
describe('Logs at scale', () => {
  const TOTAL = 100_000;
  // PutLogEvents takes at most 1,048,576 bytes (+26 per event): 5,000 events of ~150 bytes.
  const BATCH = 5_000;
  const PAGE_BYTES = 1_048_576;
  // ~150-byte messages: 10,000 of them (+26 bytes each) exceed 1 MB, so read pages are cut by size.
  const pad = 'x'.repeat(135);
  const messageOf = (i: number) => `event ${String(i).padStart(6, '0')}${i % 1000 === 0 ? ' MARK' : ''} ${pad}`;
  const group = '/scale/test';
  const base = Date.now() - 60 * 60_000;

  let barge: BargeProcess;
  let client: CloudWatchLogsClient;
  before(async () => {
    barge = await startBarge();
    client = logsClient(barge.url);
  });
  after(async () => {
    client.destroy();
    await barge.stop();
  });

  const size = (events: { message?: string | undefined }[]) => events.reduce((n, e) => n + Buffer.byteLength(e.message ?? '') + 26, 0);

  test('100,000 events appended in 5,000-event batches, with concurrent writers on other streams', async (t) => {
    await seedStream(client, group, 'big', []);
    for (let s = 0; s < 8; s += 1) await client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: `side-${s}` }));
    const started = performance.now();
    const side = Array.from({ length: 8 }, (_, s) =>
      (async () => {
        for (let b = 0; b < 5; b += 1) {
          const logEvents = Array.from({ length: 500 }, (_, i) => ({ timestamp: base + b * 500 + i, message: `side ${s} ${b * 500 + i}` }));
          await client.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: `side-${s}`, logEvents }));
        }
      })(),
    );
    for (let b = 0; b < TOTAL / BATCH; b += 1) {
      const logEvents = Array.from({ length: BATCH }, (_, k) => {
        const i = b * BATCH + k;
        return { timestamp: base + i * 10, message: messageOf(i) };
      });
      await client.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'big', logEvents }));
    }
    await Promise.all(side);
    t.diagnostic(`appended ${TOTAL} + 20,000 events in ${Math.round(performance.now() - started)} ms`);

    const streams = await client.send(new DescribeLogStreamsCommand({ logGroupName: group, logStreamNamePrefix: 'big' }));
    const big = streams.logStreams?.[0];
    assert.equal(big?.firstEventTimestamp, base);
    assert.equal(big?.lastEventTimestamp, base + (TOTAL - 1) * 10);
    assert.ok((big?.storedBytes ?? 0) > TOTAL * 100);
  });

  test('GetLogEvents pages through all of them forward, within 1 MB per page', async (t) => {
    const started = performance.now();
    let page = await client.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'big', startFromHead: true }));
    let expected = 0;
    let pages = 0;
    let slowest = 0;
    while ((page.events ?? []).length > 0) {
      pages += 1;
      const events = page.events ?? [];
      assert.ok(size(events) <= PAGE_BYTES, `page ${pages} is ${size(events)} bytes`);
      assert.ok(events.length <= 10_000);
      for (const e of events) {
        assert.equal(e.message, messageOf(expected));
        expected += 1;
      }
      const t0 = performance.now();
      const next = await client.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'big', startFromHead: true, nextToken: page.nextForwardToken }));
      slowest = Math.max(slowest, performance.now() - t0);
      if ((next.events ?? []).length === 0) assert.equal(next.nextForwardToken, page.nextForwardToken, 'the end returns the same token');
      page = next;
    }
    assert.equal(expected, TOTAL);
    assert.ok(pages > TOTAL / 10_000, 'pages are cut at 1 MB before 10,000 events');
    t.diagnostic(`${pages} forward pages in ${Math.round(performance.now() - started)} ms (slowest page ${Math.round(slowest)} ms)`);
  });

  test('GetLogEvents pages through all of them backward', async (t) => {
    const started = performance.now();
    let page = await client.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'big', limit: 5000 }));
    let expected = TOTAL;
    let pages = 0;
    while ((page.events ?? []).length > 0) {
      pages += 1;
      const events = page.events ?? [];
      for (let k = events.length - 1; k >= 0; k -= 1) {
        expected -= 1;
        assert.equal(events[k]!.message, messageOf(expected));
      }
      const next = await client.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'big', limit: 5000, nextToken: page.nextBackwardToken }));
      if ((next.events ?? []).length === 0) assert.equal(next.nextBackwardToken, page.nextBackwardToken);
      page = next;
    }
    assert.equal(expected, 0);
    assert.equal(pages, TOTAL / 5000);
    t.diagnostic(`${pages} backward pages in ${Math.round(performance.now() - started)} ms`);
  });

  test('FilterLogEvents finds the rare matches across the whole group', async (t) => {
    const started = performance.now();
    const found: string[] = [];
    let nextToken: string | undefined;
    let calls = 0;
    do {
      const page = await client.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'MARK', nextToken }));
      calls += 1;
      found.push(...(page.events ?? []).map((e) => e.message!));
      nextToken = page.nextToken;
      assert.ok(calls < 100);
    } while (nextToken);
    assert.deepEqual(found, Array.from({ length: TOTAL / 1000 }, (_, i) => messageOf(i * 1000)));
    t.diagnostic(`${found.length} matches over ${TOTAL + 20_000} events in ${calls} calls, ${Math.round(performance.now() - started)} ms`);

    const sideOnly = await client.send(new FilterLogEventsCommand({ logGroupName: group, logStreamNamePrefix: 'side-3', filterPattern: '"side 3 2499"' }));
    assert.deepEqual((sideOnly.events ?? []).map((e) => e.message), ['side 3 2499']);
  });
});
