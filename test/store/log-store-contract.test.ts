import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { ConflictError, NotFoundError } from '../../src/domain/errors.js';
import type { GroupEventQuery, GroupLogEvent, LogEvent, LogGroup, LogStore, StreamEventQuery } from '../../src/domain/logs/log-store.js';
import { PostgresDatabase } from '../../src/store/postgres/database.js';
import { PostgresLogStore } from '../../src/store/postgres/log-store.js';
import { SqliteLogStore } from '../../src/store/sqlite/log-store.js';
import { testDatabaseUrl } from '../helpers/test-database.js';

/** One store under test, and how to end it. */
interface OpenStore {
  store: LogStore;
  /** Ends the store and whatever it runs on; `breakStore` makes its next calls fail in the driver. */
  close(): Promise<void>;
  breakStore?: () => Promise<void>;
}

const factories: { name: string; open(): Promise<OpenStore> }[] = [
  {
    name: 'SqliteLogStore',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'barge-logs-contract-'));
      const store = new SqliteLogStore(join(dir, 'logs.db'), { synchronous: 'normal' });
      return {
        store,
        async close() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgresLogStore',
    async open() {
      const db = new PostgresDatabase(await testDatabaseUrl());
      const store = await PostgresLogStore.open(db);
      let ended = false;
      return {
        store,
        async close() {
          await store.close();
          if (!ended) await db.close();
        },
        async breakStore() {
          ended = true;
          await db.close();
        },
      };
    },
  },
];

const eventSize = (e: LogEvent) => Buffer.byteLength(e.message, 'utf8') + 26;
const END = Number.MAX_SAFE_INTEGER;

function group(logGroupName: string, extra: Partial<LogGroup> = {}): LogGroup {
  return { logGroupName, creationTime: 1000, storedBytes: 0, logGroupClass: 'STANDARD', deletionProtectionEnabled: false, ...extra };
}

function events(timestamps: number[], text = (t: number, i: number) => `m${i}@${t}`): LogEvent[] {
  return timestamps.map((timestamp, i) => ({ timestamp, message: text(timestamp, i), ingestionTime: 5000 }));
}

function streamQuery(logGroupName: string, logStreamName: string, extra: Partial<StreamEventQuery> = {}): StreamEventQuery {
  return {
    logGroupName,
    logStreamName,
    direction: 'forward',
    from: { timestamp: 0, seq: 0 },
    startTime: 0,
    endTime: END,
    limit: 10_000,
    maxBytes: 1_048_576,
    eventSize,
    ...extra,
  };
}

function groupQuery(logGroupName: string, extra: Partial<GroupEventQuery> = {}): GroupEventQuery {
  return {
    logGroupName,
    startTime: 0,
    endTime: END,
    match: () => true,
    limit: 10_000,
    maxBytes: 1_048_576,
    eventSize,
    maxScanned: 20_000,
    maxScannedBytes: 32 * 1_048_576,
    maxMillis: 60_000,
    ...extra,
  };
}

const messages = (list: { message: string }[]) => list.map((e) => e.message);

for (const factory of factories) {
  describe(`LogStore contract: ${factory.name}`, () => {
    let opened: OpenStore;
    let store: LogStore;

    before(async () => {
      opened = await factory.open();
      store = opened.store;
    });

    after(async () => {
      await opened.close();
    });

    describe('groups', () => {
      test('create, get, conflict, retention, delete', async () => {
        await store.createLogGroup(group('g/basic', { retentionInDays: 7, kmsKeyId: 'k', tags: { b: '2', a: '1' }, deletionProtectionEnabled: true }));
        assert.deepEqual(await store.getLogGroup('g/basic'), {
          logGroupName: 'g/basic',
          creationTime: 1000,
          storedBytes: 0,
          logGroupClass: 'STANDARD',
          retentionInDays: 7,
          kmsKeyId: 'k',
          deletionProtectionEnabled: true,
          tags: { b: '2', a: '1' },
        });
        await assert.rejects(store.createLogGroup(group('g/basic')), ConflictError);
        assert.equal(await store.setRetention('g/basic', 30), true);
        assert.equal((await store.getLogGroup('g/basic'))?.retentionInDays, 30);
        assert.equal(await store.setRetention('g/basic', undefined), true);
        assert.equal((await store.getLogGroup('g/basic'))?.retentionInDays, undefined);
        assert.equal(await store.setRetention('g/none', 1), false);
        assert.equal(await store.getLogGroup('g/none'), undefined);

        await store.createLogStream('g/basic', 's', 1);
        await store.appendLogEvents('g/basic', 's', events([1, 2]));
        assert.equal(await store.deleteLogGroup('g/basic'), true);
        assert.equal(await store.deleteLogGroup('g/basic'), false);
        assert.equal(await store.getLogGroup('g/basic'), undefined);
        assert.equal(await store.getLogStream('g/basic', 's'), undefined);
        // A group of the same name starts empty.
        await store.createLogGroup(group('g/basic'));
        await store.createLogStream('g/basic', 's', 1);
        assert.deepEqual(await store.readStreamEvents(streamQuery('g/basic', 's')), []);
        assert.deepEqual((await store.readGroupEvents(groupQuery('g/basic'))).events, []);
      });

      test('list: binary order, prefix (no wildcards), contains, names, class, cursors', async () => {
        const names = ['l/B', 'l/a', 'l/a%', 'l/a_b', 'l/ab', 'l/abc', 'l/b', 'l/z', 'l/é'];
        for (const name of [...names].reverse()) {
          await store.createLogGroup(group(name, name === 'l/ab' ? { logGroupClass: 'INFREQUENT_ACCESS' } : {}));
        }
        const list = async (q: Partial<Parameters<LogStore['listLogGroups']>[0]>) =>
          (await store.listLogGroups({ limit: 50, prefix: 'l/', ...q })).items.map((g) => g.logGroupName);
        assert.deepEqual(await list({}), names);
        assert.deepEqual(await list({ prefix: 'l/a' }), ['l/a', 'l/a%', 'l/a_b', 'l/ab', 'l/abc']);
        assert.deepEqual(await list({ prefix: 'l/a%' }), ['l/a%']);
        assert.deepEqual(await list({ prefix: 'l/a_' }), ['l/a_b']);
        assert.deepEqual(await list({ prefix: 'l/é' }), ['l/é']);
        assert.deepEqual(await list({ contains: 'b' }), ['l/a_b', 'l/ab', 'l/abc', 'l/b']);
        assert.deepEqual(await list({ contains: '%' }), ['l/a%']);
        assert.deepEqual(await list({ names: ['l/z', 'l/B', 'l/none'] }), ['l/B', 'l/z']);
        assert.deepEqual(await list({ names: [] }), []);
        assert.deepEqual(await list({ logGroupClass: 'INFREQUENT_ACCESS' }), ['l/ab']);

        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const slice = await store.listLogGroups({ prefix: 'l/', limit: 2, after: cursor });
          assert.ok(slice.items.length <= 2);
          seen.push(...slice.items.map((g) => g.logGroupName));
          cursor = slice.cursor;
        } while (cursor !== undefined);
        assert.deepEqual(seen, names);
        const exact = await store.listLogGroups({ prefix: 'l/', limit: names.length });
        assert.equal(exact.cursor, undefined);
      });
    });

    describe('streams', () => {
      test('create, not found, conflict, delete', async () => {
        await assert.rejects(store.createLogStream('s/none', 'a', 1), (error: unknown) => error instanceof NotFoundError && error.resource === 'log group');
        await store.createLogGroup(group('s/g'));
        await store.createLogStream('s/g', 'a', 42);
        await assert.rejects(store.createLogStream('s/g', 'a', 1), (error: unknown) => error instanceof ConflictError && error.resource === 'log stream');
        assert.deepEqual(await store.getLogStream('s/g', 'a'), { logGroupName: 's/g', logStreamName: 'a', creationTime: 42, storedBytes: 0 });
        await store.createLogStream('s/g', 'b', 1);
        await store.appendLogEvents('s/g', 'a', events([1, 2], () => 'abcd'));
        await store.appendLogEvents('s/g', 'b', events([3], () => 'xyz'));
        assert.equal((await store.getLogGroup('s/g'))?.storedBytes, 11);
        assert.equal(await store.deleteLogStream('s/g', 'a'), true);
        assert.equal(await store.deleteLogStream('s/g', 'a'), false);
        assert.equal(await store.deleteLogStream('s/none', 'a'), false);
        assert.equal(await store.getLogStream('s/g', 'a'), undefined);
        assert.equal((await store.getLogGroup('s/g'))?.storedBytes, 3);
        assert.deepEqual(messages((await store.readGroupEvents(groupQuery('s/g'))).events), ['xyz']);
      });

      test('list by name and by last event time, both directions, with cursors and prefix', async () => {
        await store.createLogGroup(group('ls/g'));
        // name → last event timestamp (none for the streams without events)
        const last: Record<string, number | undefined> = { a: 30, 'a%': undefined, a_: 10, ab: 30, b: 20, B: undefined, c: 10 };
        for (const [name, timestamp] of Object.entries(last)) {
          await store.createLogStream('ls/g', name, 1);
          if (timestamp !== undefined) await store.appendLogEvents('ls/g', name, events([timestamp - 5, timestamp]));
        }
        const all = async (orderBy: 'LogStreamName' | 'LastEventTime', descending: boolean, prefix?: string, limit = 2) => {
          const names: string[] = [];
          let cursor: string | undefined;
          do {
            const slice = await store.listLogStreams({ logGroupName: 'ls/g', orderBy, descending, prefix, after: cursor, limit });
            names.push(...slice.items.map((s) => s.logStreamName));
            cursor = slice.cursor;
          } while (cursor !== undefined);
          return names;
        };
        const byName = ['B', 'a', 'a%', 'a_', 'ab', 'b', 'c'];
        assert.deepEqual(await all('LogStreamName', false), byName);
        assert.deepEqual(await all('LogStreamName', true), [...byName].reverse());
        assert.deepEqual(await all('LogStreamName', false, 'a'), ['a', 'a%', 'a_', 'ab']);
        assert.deepEqual(await all('LogStreamName', true, 'a_'), ['a_']);
        const byTime = ['B', 'a%', 'a_', 'c', 'b', 'a', 'ab'];
        assert.deepEqual(await all('LastEventTime', false), byTime);
        assert.deepEqual(await all('LastEventTime', false, undefined, 1), byTime);
        assert.deepEqual(await all('LastEventTime', true), [...byTime].reverse());
        assert.deepEqual(await all('LastEventTime', true, 'a'), ['ab', 'a', 'a_', 'a%']);
        const [first] = (await store.listLogStreams({ logGroupName: 'ls/g', orderBy: 'LastEventTime', descending: true, limit: 1 })).items;
        assert.deepEqual(first, {
          logGroupName: 'ls/g',
          logStreamName: 'ab',
          creationTime: 1,
          firstEventTimestamp: 25,
          lastEventTimestamp: 30,
          lastIngestionTime: 5000,
          storedBytes: Buffer.byteLength('m0@25m1@30'),
        });
        assert.deepEqual((await store.listLogStreams({ logGroupName: 'ls/none', orderBy: 'LogStreamName', descending: false, limit: 5 })).items, []);
        await assert.rejects(
          store.listLogStreams({ logGroupName: 'ls/g', orderBy: 'LastEventTime', descending: false, limit: 5, after: 'garbage' }),
          /nextToken/,
        );
      });
    });

    describe('appendLogEvents', () => {
      test('updates the stream and group counters', async () => {
        await store.createLogGroup(group('a/g'));
        await store.createLogStream('a/g', 's', 7);
        await store.appendLogEvents('a/g', 's', [
          { timestamp: 50, message: 'héllo', ingestionTime: 900 },
          { timestamp: 40, message: 'x', ingestionTime: 901 },
        ]);
        await store.appendLogEvents('a/g', 's', [{ timestamp: 45, message: 'yy', ingestionTime: 800 }]);
        await store.appendLogEvents('a/g', 's', []);
        assert.deepEqual(await store.getLogStream('a/g', 's'), {
          logGroupName: 'a/g',
          logStreamName: 's',
          creationTime: 7,
          firstEventTimestamp: 40,
          lastEventTimestamp: 50,
          lastIngestionTime: 901,
          storedBytes: 6 + 1 + 2,
        });
        assert.equal((await store.getLogGroup('a/g'))?.storedBytes, 9);
      });

      test('not found without createMissing; creates both with it, in order of seq', async () => {
        await assert.rejects(store.appendLogEvents('a/none', 's', events([1])), (e: unknown) => e instanceof NotFoundError && e.resource === 'log group');
        await store.createLogGroup(group('a/g2'));
        await assert.rejects(store.appendLogEvents('a/g2', 'none', events([1])), (e: unknown) => e instanceof NotFoundError && e.resource === 'log stream');
        await assert.rejects(store.appendLogEvents('a/g2', 'none', []), (e: unknown) => e instanceof NotFoundError && e.resource === 'log stream');

        await store.appendLogEvents('a/job', 'empty', [], { group: group('a/job', { creationTime: 77 }), streamCreationTime: 78 });
        assert.equal((await store.getLogGroup('a/job'))?.creationTime, 77);
        assert.equal((await store.getLogStream('a/job', 'empty'))?.creationTime, 78);
        await store.appendLogEvents('a/job', 'run', events([5, 5, 5, 1]), { group: group('a/job', { creationTime: 1 }), streamCreationTime: 79 });
        assert.equal((await store.getLogGroup('a/job'))?.creationTime, 77);
        const read = await store.readStreamEvents(streamQuery('a/job', 'run'));
        assert.deepEqual(messages(read), ['m3@1', 'm0@5', 'm1@5', 'm2@5']);
        assert.ok(read[1]!.seq < read[2]!.seq && read[2]!.seq < read[3]!.seq);
        assert.ok(read.every((e) => Number.isSafeInteger(e.seq) && e.seq >= 1));
      });

      test('keeps any message exactly, NUL and astral characters included', async () => {
        const odd = ['nul\u0000inside', '😀 emoji', 'tab\tand\nnewline', "quote ' \" \\ backslash"];
        await store.appendLogEvents('a/odd', 's', odd.map((message, i) => ({ timestamp: i, message, ingestionTime: 1 })), {
          group: group('a/odd'),
          streamCreationTime: 1,
        });
        assert.deepEqual(messages(await store.readStreamEvents(streamQuery('a/odd', 's'))), odd);
        assert.equal((await store.getLogStream('a/odd', 's'))?.storedBytes, Buffer.byteLength(odd.join('')));
      });

      test('10,000 events in one call', async () => {
        const many = events(Array.from({ length: 10_000 }, (_, i) => 1_700_000_000_000 + (i % 997)));
        await store.appendLogEvents('a/bulk', 's', many, { group: group('a/bulk'), streamCreationTime: 1 });
        const stream = await store.getLogStream('a/bulk', 's');
        assert.equal(stream?.storedBytes, many.reduce((sum, e) => sum + Buffer.byteLength(e.message), 0));
        assert.equal(stream?.firstEventTimestamp, 1_700_000_000_000);
        assert.equal(stream?.lastEventTimestamp, 1_700_000_000_996);
        assert.equal((await store.readStreamEvents(streamQuery('a/bulk', 's', { maxBytes: 1e9 }))).length, 10_000);
      });

      test('concurrent appends to one stream lose no counter update', async () => {
        const writers = 16;
        await Promise.all(
          Array.from({ length: writers }, (_, w) =>
            store.appendLogEvents('a/conc', 's', events([w * 10, w * 10 + 1], (t) => `w${w}-${t}`), { group: group('a/conc'), streamCreationTime: 1 }),
          ),
        );
        const read = await store.readStreamEvents(streamQuery('a/conc', 's'));
        assert.equal(read.length, writers * 2);
        const bytes = read.reduce((sum, e) => sum + Buffer.byteLength(e.message), 0);
        const stream = await store.getLogStream('a/conc', 's');
        assert.equal(stream?.storedBytes, bytes);
        assert.equal(stream?.firstEventTimestamp, 0);
        assert.equal(stream?.lastEventTimestamp, (writers - 1) * 10 + 1);
        assert.equal((await store.getLogGroup('a/conc'))?.storedBytes, bytes);
      });
    });

    describe('readStreamEvents', () => {
      before(async () => {
        await store.appendLogEvents('r/g', 's', events([10, 20, 20, 30, 40, 50]), { group: group('r/g'), streamCreationTime: 1 });
      });

      test('forward and backward from a position, within time bounds', async () => {
        const all = await store.readStreamEvents(streamQuery('r/g', 's'));
        assert.deepEqual(messages(all), ['m0@10', 'm1@20', 'm2@20', 'm3@30', 'm4@40', 'm5@50']);
        const [, second, third] = all;
        // forward: strictly after `from`
        assert.deepEqual(messages(await store.readStreamEvents(streamQuery('r/g', 's', { from: second! }))), ['m2@20', 'm3@30', 'm4@40', 'm5@50']);
        assert.deepEqual(messages(await store.readStreamEvents(streamQuery('r/g', 's', { from: { timestamp: 20, seq: 0 }, limit: 2 }))), ['m1@20', 'm2@20']);
        // backward: at or before `from`, newest first, returned oldest first
        assert.deepEqual(messages(await store.readStreamEvents(streamQuery('r/g', 's', { direction: 'backward', from: third!, limit: 2 }))), ['m1@20', 'm2@20']);
        assert.deepEqual(messages(await store.readStreamEvents(streamQuery('r/g', 's', { direction: 'backward', from: { timestamp: END, seq: 0 }, limit: 3 }))), [
          'm3@30',
          'm4@40',
          'm5@50',
        ]);
        assert.deepEqual(
          messages(await store.readStreamEvents(streamQuery('r/g', 's', { direction: 'backward', from: { timestamp: 20, seq: second!.seq - 1 } }))),
          ['m0@10'],
        );
        // startTime inclusive, endTime exclusive
        assert.deepEqual(messages(await store.readStreamEvents(streamQuery('r/g', 's', { startTime: 20, endTime: 40 }))), ['m1@20', 'm2@20', 'm3@30']);
        assert.deepEqual(
          messages(await store.readStreamEvents(streamQuery('r/g', 's', { direction: 'backward', from: { timestamp: END, seq: 0 }, startTime: 20, endTime: 40 }))),
          ['m1@20', 'm2@20', 'm3@30'],
        );
        assert.deepEqual(await store.readStreamEvents(streamQuery('r/g', 'none')), []);
        assert.deepEqual(await store.readStreamEvents(streamQuery('r/none', 's')), []);
      });

      test('maxBytes cuts the page, but one event always comes back', async () => {
        const size = eventSize({ timestamp: 0, message: 'm0@10', ingestionTime: 0 });
        assert.deepEqual(messages(await store.readStreamEvents(streamQuery('r/g', 's', { maxBytes: size * 2 }))), ['m0@10', 'm1@20']);
        assert.deepEqual(messages(await store.readStreamEvents(streamQuery('r/g', 's', { maxBytes: size * 2 - 1 }))), ['m0@10']);
        assert.deepEqual(messages(await store.readStreamEvents(streamQuery('r/g', 's', { maxBytes: 1 }))), ['m0@10']);
        assert.deepEqual(messages(await store.readStreamEvents(streamQuery('r/g', 's', { direction: 'backward', from: { timestamp: END, seq: 0 }, maxBytes: size * 2 }))), [
          'm4@40',
          'm5@50',
        ]);
      });

      test('pages of large events across slices', async () => {
        const big = 'x'.repeat(300_000);
        await store.appendLogEvents('r/big', 's', events(Array.from({ length: 40 }, (_, i) => i), (t) => `${t}:${big}`), { group: group('r/big'), streamCreationTime: 1 });
        const page = await store.readStreamEvents(streamQuery('r/big', 's'));
        assert.deepEqual(page.map((e) => e.timestamp), [0, 1, 2]);
        const whole = await store.readStreamEvents(streamQuery('r/big', 's', { maxBytes: 1e9, limit: 35 }));
        assert.deepEqual(whole.map((e) => e.timestamp), Array.from({ length: 35 }, (_, i) => i));
        const back = await store.readStreamEvents(streamQuery('r/big', 's', { direction: 'backward', from: { timestamp: END, seq: 0 }, maxBytes: 1e9, limit: 33 }));
        assert.deepEqual(back.map((e) => e.timestamp), Array.from({ length: 33 }, (_, i) => i + 7));
      });
    });

    describe('readGroupEvents', () => {
      before(async () => {
        // Three streams interleaved: a at even times, b at odd times, c (other prefix) at every 5th.
        for (let t = 0; t < 30; t++) {
          await store.appendLogEvents('f/g', t % 2 === 0 ? 'app-a' : 'app-b', [{ timestamp: t, message: `${t % 2 === 0 ? 'a' : 'b'}${t}`, ingestionTime: 1 }], {
            group: group('f/g'),
            streamCreationTime: 1,
          });
          if (t % 5 === 0) await store.appendLogEvents('f/g', 'other', [{ timestamp: t, message: `o${t}`, ingestionTime: 1 }], { group: group('f/g'), streamCreationTime: 1 });
        }
      });

      const read = (extra: Partial<GroupEventQuery>) => store.readGroupEvents(groupQuery('f/g', extra));

      test('interleaves streams in (timestamp, seq) order, with stream names', async () => {
        const page = await read({ endTime: 5 });
        assert.deepEqual(
          page.events.map((e) => [e.logStreamName, e.message]),
          [
            ['app-a', 'a0'],
            ['other', 'o0'],
            ['app-b', 'b1'],
            ['app-a', 'a2'],
            ['app-b', 'b3'],
            ['app-a', 'a4'],
            ['app-b', 'b5'],
            ['other', 'o5'],
          ],
        );
        assert.equal(page.resumeAfter, undefined);
      });

      test('stream names, prefix, time bounds, match', async () => {
        assert.deepEqual(messages((await read({ logStreamNames: ['other'] })).events), ['o0', 'o5', 'o10', 'o15', 'o20', 'o25']);
        assert.deepEqual(messages((await read({ logStreamNames: ['other', 'app-b'], startTime: 9, endTime: 15 })).events), ['b9', 'o10', 'b11', 'b13', 'b15', 'o15']);
        assert.deepEqual((await read({ logStreamNames: ['nope'] })).events, []);
        assert.deepEqual((await read({ logStreamNames: [] })).events, []);
        assert.deepEqual(messages((await read({ logStreamNamePrefix: 'app-', startTime: 4, endTime: 7 })).events), ['a4', 'b5', 'a6', 'b7']);
        assert.deepEqual((await read({ logStreamNamePrefix: 'app_' })).events, []);
        assert.deepEqual(messages((await read({ match: (m) => m.endsWith('7') })).events), ['b7', 'b17', 'b27']);
        assert.deepEqual((await store.readGroupEvents(groupQuery('f/none'))).events, []);
      });

      test('limit, maxBytes and scan budgets stop the page with a position to resume after', async () => {
        const limited = await read({ limit: 3 });
        assert.deepEqual(messages(limited.events), ['a0', 'o0', 'b1']);
        assert.deepEqual(limited.resumeAfter, { timestamp: 1, seq: limited.events[2]!.seq });
        const next = await read({ limit: 3, after: limited.resumeAfter });
        assert.deepEqual(messages(next.events), ['a2', 'b3', 'a4']);

        const size = eventSize({ timestamp: 0, message: 'a0', ingestionTime: 0 });
        const bytes = await read({ maxBytes: size * 2 });
        assert.deepEqual(messages(bytes.events), ['a0', 'o0']);
        assert.deepEqual(bytes.resumeAfter, { timestamp: 0, seq: bytes.events[1]!.seq });

        const scanned = await read({ maxScanned: 4, match: (m) => m.startsWith('o') });
        assert.deepEqual(messages(scanned.events), ['o0']);
        assert.equal(scanned.resumeAfter?.timestamp, 2);

        const scannedBytes = await read({ maxScannedBytes: 5, match: (m) => m.startsWith('b') });
        assert.deepEqual(messages(scannedBytes.events), ['b1']);
        assert.equal(scannedBytes.resumeAfter?.timestamp, 1);

        // A call that has read nothing yet always reads one event.
        const tiny = await read({ maxScanned: 0, maxScannedBytes: 0, maxMillis: 0 });
        assert.deepEqual(messages(tiny.events), ['a0']);
        assert.deepEqual(tiny.resumeAfter, { timestamp: 0, seq: tiny.events[0]!.seq });

        // Exactly at the limit with nothing after: no resumeAfter.
        const exact = await read({ startTime: 29, limit: 1 });
        assert.deepEqual(messages(exact.events), ['b29']);
        assert.equal(exact.resumeAfter, undefined);
      });

      test('paging by resumeAfter over ~2,000 events yields each exactly once, in order', async () => {
        const streams = ['p-1', 'p-2', 'p-3', 'q'];
        let n = 0;
        for (let batch = 0; batch < 20; batch++) {
          for (const [i, stream] of streams.entries()) {
            const count = 20 + i * 3;
            await store.appendLogEvents(
              'f/page',
              stream,
              Array.from({ length: count }, (_, k) => ({ timestamp: 1000 + ((batch * 37 + k * 7 + i) % 400), message: `${stream}#${n++}`, ingestionTime: 1 })),
              { group: group('f/page'), streamCreationTime: 1 },
            );
          }
        }
        const expected = await store.readGroupEvents(groupQuery('f/page'));
        assert.equal(expected.events.length, n);
        assert.equal(expected.resumeAfter, undefined);
        const keys = expected.events.map((e) => [e.timestamp, e.seq] as const);
        for (let i = 1; i < keys.length; i++) {
          assert.ok(keys[i - 1]![0] < keys[i]![0] || (keys[i - 1]![0] === keys[i]![0] && keys[i - 1]![1] < keys[i]![1]), 'ordered by (timestamp, seq)');
        }

        const pageAll = async (extra: Partial<GroupEventQuery>) => {
          const got: GroupLogEvent[] = [];
          let after: GroupEventQuery['after'];
          let pages = 0;
          for (;;) {
            const page = await store.readGroupEvents(groupQuery('f/page', { ...extra, after }));
            got.push(...page.events);
            pages += 1;
            if (!page.resumeAfter) break;
            after = page.resumeAfter;
          }
          return { got, pages };
        };
        const byLimit = await pageAll({ limit: 37 });
        assert.deepEqual(messages(byLimit.got), messages(expected.events));
        assert.ok(byLimit.pages >= n / 37);
        const byScan = await pageAll({ maxScanned: 101, match: (m) => m.startsWith('p-2') });
        assert.deepEqual(messages(byScan.got), messages(expected.events.filter((e) => e.message.startsWith('p-2'))));
        assert.ok(byScan.pages >= n / 101);
        const byBytes = await pageAll({ maxScannedBytes: 1000, logStreamNamePrefix: 'p-' });
        assert.deepEqual(messages(byBytes.got), messages(expected.events.filter((e) => e.logStreamName.startsWith('p-'))));
        const byNames = await pageAll({ maxBytes: 3000, logStreamNames: ['q', 'p-1'], startTime: 1100, endTime: 1300 });
        assert.deepEqual(
          messages(byNames.got),
          messages(expected.events.filter((e) => (e.logStreamName === 'q' || e.logStreamName === 'p-1') && e.timestamp >= 1100 && e.timestamp <= 1300)),
        );
      });
    });

    if (factory.name === 'PostgresLogStore') {
      test('driver errors come back wrapped, never as raw pg errors', async () => {
        await assert.rejects(
          store.appendLogEvents('e/g', 's', [{ timestamp: 1.5, message: 'x', ingestionTime: 1 }], { group: group('e/g'), streamCreationTime: 1 }),
          (error: unknown) => error instanceof Error && !(error instanceof pg.DatabaseError) && error.cause instanceof pg.DatabaseError,
        );
        assert.equal(await store.getLogGroup('e/g'), undefined, 'the failed append rolled back the group it created');
        await opened.breakStore!();
        await assert.rejects(store.getLogGroup('e/g'), (error: unknown) => error instanceof Error && !(error instanceof pg.DatabaseError));
        await assert.rejects(store.appendLogEvents('e/g', 's', events([1])), (error: unknown) => error instanceof Error && !(error instanceof pg.DatabaseError));
      });
    }
  });
}
