import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  type FilterLogEventsCommandInput,
  type FilteredLogEvent,
  GetLogEventsCommand,
  type GetLogEventsCommandInput,
  paginateDescribeLogGroups,
  paginateFilterLogEvents,
  paginateGetLogEvents,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { ACCOUNT, REGION, rejection } from '../../helpers/clients.js';
import { type BargeProcess, startBarge } from '../../helpers/server.js';
import { eventsFrom, logsClient, seedStream } from './client.js';

/**
 * CloudWatch Logs through the real SDK v3 client against a real Barge process, as the Logs API
 * documents it. Events are seeded with PutLogEvents, half an hour in the past so they pass its
 * ingestion rules (not older than 14 days, not more than 2 hours ahead).
 */
describe('CloudWatch Logs over SDK v3', () => {
  let barge: BargeProcess;
  let client: CloudWatchLogsClient;
  const base = Math.floor((Date.now() - 30 * 60_000) / 1000) * 1000;
  before(async () => {
    barge = await startBarge();
    client = logsClient(barge.url);
  });
  after(async () => {
    client.destroy();
    await barge.stop();
  });

  const messages = (events: { message?: string | undefined }[] | undefined) => (events ?? []).map((e) => e.message);
  const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}`);
  const get = (input: GetLogEventsCommandInput) => client.send(new GetLogEventsCommand(input));

  test('log groups: create, describe by prefix and pattern, page, retention, duplicates', async () => {
    for (let i = 0; i < 7; i += 1) await client.send(new CreateLogGroupCommand({ logGroupName: `/test/groups/g-${i}` }));
    await client.send(new CreateLogGroupCommand({ logGroupName: '/other/group', logGroupClass: 'INFREQUENT_ACCESS' }));

    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/test/groups/', limit: 3, nextToken }));
      pages.push((page.logGroups ?? []).map((g) => g.logGroupName!));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(pages, [
      ['/test/groups/g-0', '/test/groups/g-1', '/test/groups/g-2'],
      ['/test/groups/g-3', '/test/groups/g-4', '/test/groups/g-5'],
      ['/test/groups/g-6'],
    ]);

    const all: string[] = [];
    for await (const page of paginateDescribeLogGroups({ client, pageSize: 2 }, {})) all.push(...(page.logGroups ?? []).map((g) => g.logGroupName!));
    assert.ok(all.includes('/other/group') && all.includes('/test/groups/g-6'));
    assert.deepEqual(all, [...all].sort(), 'ASCII order by name');

    await client.send(new PutRetentionPolicyCommand({ logGroupName: '/test/groups/g-1', retentionInDays: 30 }));
    const [g1] = (await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/test/groups/g-1' }))).logGroups ?? [];
    assert.equal(g1?.retentionInDays, 30);
    assert.equal(g1?.arn, `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/test/groups/g-1:*`);
    assert.equal(g1?.logGroupArn, `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/test/groups/g-1`);
    assert.equal(g1?.storedBytes, 0);
    assert.equal(g1?.logGroupClass, 'STANDARD');
    assert.ok(Math.abs((g1?.creationTime ?? 0) - Date.now()) < 60_000);
    await client.send(new DeleteRetentionPolicyCommand({ logGroupName: '/test/groups/g-1' }));
    const [again] = (await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/test/groups/g-1' }))).logGroups ?? [];
    assert.equal(again?.retentionInDays, undefined);

    const byPattern = await client.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'groups/g-4' }));
    assert.deepEqual(byPattern.logGroups, [
      { logGroupName: '/test/groups/g-4', arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/test/groups/g-4:*`, creationTime: byPattern.logGroups?.[0]?.creationTime },
    ]);
    const byClass = await client.send(new DescribeLogGroupsCommand({ logGroupClass: 'INFREQUENT_ACCESS' }));
    assert.deepEqual((byClass.logGroups ?? []).map((g) => g.logGroupName), ['/other/group']);

    const duplicate = await rejection(client.send(new CreateLogGroupCommand({ logGroupName: '/test/groups/g-0' })));
    assert.equal(duplicate.name, 'ResourceAlreadyExistsException');
    const both = await rejection(client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/a', logGroupNamePattern: 'b' })));
    assert.equal(both.name, 'InvalidParameterException');
    const badRetention = await rejection(client.send(new PutRetentionPolicyCommand({ logGroupName: '/test/groups/g-1', retentionInDays: 2 })));
    assert.equal(badRetention.name, 'InvalidParameterException');
    const reserved = await rejection(client.send(new CreateLogGroupCommand({ logGroupName: 'aws/mine' })));
    assert.equal(reserved.name, 'InvalidParameterException');
  });

  test('GetLogEvents pages backward and forward to both ends, where the token sent comes back', async () => {
    await seedStream(client, '/test/get', 'paging', eventsFrom(base, 25));
    const ref = { logGroupName: '/test/get', logStreamName: 'paging' };

    // Default (startFromHead=false): the newest events, still oldest first within the page.
    const newest = await get({ ...ref, limit: 10 });
    assert.deepEqual(messages(newest.events), lines(15, 25));
    assert.match(newest.nextForwardToken ?? '', /^f\/\d{56}\/s$/);
    assert.match(newest.nextBackwardToken ?? '', /^b\/\d{56}\/s$/);
    const back1 = await get({ ...ref, limit: 10, nextToken: newest.nextBackwardToken });
    assert.deepEqual(messages(back1.events), lines(5, 15));
    const back2 = await get({ ...ref, limit: 10, nextToken: back1.nextBackwardToken });
    assert.deepEqual(messages(back2.events), lines(0, 5));
    const start = await get({ ...ref, limit: 10, nextToken: back2.nextBackwardToken });
    assert.deepEqual(start.events, []);
    assert.equal(start.nextBackwardToken, back2.nextBackwardToken, 'at the start, the same backward token comes back');
    // A forward token from a backward page continues after that page.
    const onward = await get({ ...ref, limit: 3, nextToken: back2.nextForwardToken });
    assert.deepEqual(messages(onward.events), lines(5, 8));

    // startFromHead=true: the oldest events, then forward tokens to the end.
    const head = await get({ ...ref, limit: 10, startFromHead: true });
    assert.deepEqual(messages(head.events), lines(0, 10));
    const fwd1 = await get({ ...ref, limit: 10, startFromHead: true, nextToken: head.nextForwardToken });
    assert.deepEqual(messages(fwd1.events), lines(10, 20));
    const fwd2 = await get({ ...ref, limit: 10, startFromHead: true, nextToken: fwd1.nextForwardToken });
    assert.deepEqual(messages(fwd2.events), lines(20, 25));
    const end = await get({ ...ref, limit: 10, startFromHead: true, nextToken: fwd2.nextForwardToken });
    assert.deepEqual(end.events, []);
    assert.equal(end.nextForwardToken, fwd2.nextForwardToken, 'at the end, the same forward token comes back');
    const stillEnd = await get({ ...ref, startFromHead: true, nextToken: end.nextForwardToken });
    assert.equal(stillEnd.nextForwardToken, end.nextForwardToken);

    // The end token points past the last event: events appended later show up through it.
    await client.send(new PutLogEventsCommand({ ...ref, logEvents: [{ timestamp: base + 25_000, message: 'line 25' }] }));
    const appended = await get({ ...ref, startFromHead: true, nextToken: end.nextForwardToken });
    assert.deepEqual(messages(appended.events), ['line 25']);
    assert.equal(appended.events?.[0]?.timestamp, base + 25_000);
    assert.ok((appended.events?.[0]?.ingestionTime ?? 0) >= base);

    // Without a limit, everything fits in one page.
    assert.deepEqual(messages((await get(ref)).events), lines(0, 26));
    assert.deepEqual(messages((await get({ ...ref, startFromHead: true })).events), lines(0, 26));
  });

  test("the SDK's paginateGetLogEvents stops on the same token", async () => {
    await seedStream(client, '/test/get', 'paginator', eventsFrom(base, 23));
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateGetLogEvents(
      { client, pageSize: 5, stopOnSameToken: true },
      { logGroupName: '/test/get', logStreamName: 'paginator', startFromHead: true },
    )) {
      pages += 1;
      seen.push(...messages(page.events).map(String));
      assert.ok(pages < 20, 'the paginator must stop');
    }
    assert.deepEqual(seen, lines(0, 23));
  });

  test('GetLogEvents time range: startTime inclusive, endTime exclusive, in both directions', async () => {
    await seedStream(client, '/test/get', 'range', eventsFrom(base, 20));
    const ref = { logGroupName: '/test/get', logStreamName: 'range', startTime: base + 5000, endTime: base + 10_000 };
    assert.deepEqual(messages((await get(ref)).events), lines(5, 10));
    assert.deepEqual(messages((await get({ ...ref, startFromHead: true })).events), lines(5, 10));
    const first = await get({ ...ref, startFromHead: true, limit: 2 });
    const rest = await get({ ...ref, startFromHead: true, limit: 10, nextToken: first.nextForwardToken });
    assert.deepEqual(messages(rest.events), lines(7, 10), 'tokens respect the range too');
    const last = await get({ ...ref, limit: 2 });
    assert.deepEqual(messages(last.events), lines(8, 10));
    const earlier = await get({ ...ref, limit: 10, nextToken: last.nextBackwardToken });
    assert.deepEqual(messages(earlier.events), lines(5, 8));
    assert.deepEqual((await get({ ...ref, startTime: base + 30_000, endTime: base + 40_000 })).events, []);
  });

  test('events with equal timestamps keep their insertion order across pages', async () => {
    const events = Array.from({ length: 40 }, (_, i) => ({ timestamp: base, message: `same ${i}` }));
    await seedStream(client, '/test/get', 'ties', events);
    const ref = { logGroupName: '/test/get', logStreamName: 'ties', limit: 7 };
    const forward: string[] = [];
    let page = await get({ ...ref, startFromHead: true });
    for (let guard = 0; (page.events ?? []).length > 0 && guard < 20; guard += 1) {
      forward.push(...messages(page.events).map(String));
      page = await get({ ...ref, startFromHead: true, nextToken: page.nextForwardToken });
    }
    assert.deepEqual(forward, events.map((e) => e.message));
    const backward: string[][] = [];
    page = await get(ref);
    for (let guard = 0; (page.events ?? []).length > 0 && guard < 20; guard += 1) {
      backward.unshift(messages(page.events).map(String));
      page = await get({ ...ref, nextToken: page.nextBackwardToken });
    }
    assert.deepEqual(backward.flat(), events.map((e) => e.message));
  });

  test('DescribeLogStreams orders by name or last event time, filters by prefix and pages', async () => {
    const group = '/test/streams';
    await seedStream(client, group, 'job-b/default/1', [{ timestamp: base + 3000, message: 'b1' }]);
    await seedStream(client, group, 'job-a/default/2', [{ timestamp: base + 1000, message: 'a2' }, { timestamp: base + 9000, message: 'a2 again' }]);
    await seedStream(client, group, 'job-a/default/1', [{ timestamp: base + 5000, message: 'a1' }]);
    await client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'idle' }));

    const names = async (input: Omit<ConstructorParameters<typeof DescribeLogStreamsCommand>[0], 'logGroupName'>) =>
      ((await client.send(new DescribeLogStreamsCommand({ logGroupName: group, ...input }))).logStreams ?? []).map((s) => s.logStreamName);
    assert.deepEqual(await names({}), ['idle', 'job-a/default/1', 'job-a/default/2', 'job-b/default/1']);
    assert.deepEqual(await names({ descending: true }), ['job-b/default/1', 'job-a/default/2', 'job-a/default/1', 'idle']);
    assert.deepEqual(await names({ logStreamNamePrefix: 'job-a/' }), ['job-a/default/1', 'job-a/default/2']);
    assert.deepEqual(await names({ orderBy: 'LastEventTime' }), ['idle', 'job-b/default/1', 'job-a/default/1', 'job-a/default/2']);
    assert.deepEqual(await names({ orderBy: 'LastEventTime', descending: true }), ['job-a/default/2', 'job-a/default/1', 'job-b/default/1', 'idle']);

    for (const order of [{}, { descending: true }, { orderBy: 'LastEventTime' as const, descending: true }, { orderBy: 'LastEventTime' as const }]) {
      const paged: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new DescribeLogStreamsCommand({ logGroupName: group, limit: 1, nextToken, ...order }));
        paged.push(...(page.logStreams ?? []).map((s) => s.logStreamName!));
        nextToken = page.nextToken;
      } while (nextToken);
      assert.deepEqual(paged, await names(order), `limit 1 pages through ${JSON.stringify(order)}`);
    }

    const [a2] = (await client.send(new DescribeLogStreamsCommand({ logGroupName: group, logStreamNamePrefix: 'job-a/default/2' }))).logStreams ?? [];
    assert.equal(a2?.firstEventTimestamp, base + 1000);
    assert.equal(a2?.lastEventTimestamp, base + 9000);
    assert.ok((a2?.lastIngestionTime ?? 0) > base);
    assert.equal(a2?.storedBytes, 'a2'.length + 'a2 again'.length);
    assert.equal(a2?.arn, `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${group}:log-stream:job-a/default/2`);
    const [idle] = (await client.send(new DescribeLogStreamsCommand({ logGroupName: group, logStreamNamePrefix: 'idle' }))).logStreams ?? [];
    assert.equal(idle?.lastEventTimestamp, undefined);
    const [groupInfo] = (await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }))).logGroups ?? [];
    assert.equal(groupInfo?.storedBytes, 'b1a2a2 againa1'.length);

    const mixed = await rejection(client.send(new DescribeLogStreamsCommand({ logGroupName: group, orderBy: 'LastEventTime', logStreamNamePrefix: 'job' })));
    assert.equal(mixed.name, 'InvalidParameterException');
    const foreignToken = await rejection(
      client.send(new DescribeLogStreamsCommand({ logGroupName: group, orderBy: 'LastEventTime', nextToken: (await client.send(new DescribeLogStreamsCommand({ logGroupName: group, limit: 1 }))).nextToken })),
    );
    assert.equal(foreignToken.name, 'InvalidParameterException', 'a token of another ordering is refused');
    const duplicate = await rejection(client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'idle' })));
    assert.equal(duplicate.name, 'ResourceAlreadyExistsException');
  });

  test('FilterLogEvents interleaves streams, applies the pattern and an inclusive time range, and pages', async () => {
    const group = '/test/filter';
    const at = (s: number) => base + s * 1000;
    await seedStream(client, group, 'app/1', [
      { timestamp: at(0), message: 'INFO starting' },
      { timestamp: at(2), message: 'ERROR disk full' },
      { timestamp: at(4), message: 'WARN slow' },
      { timestamp: at(6), message: '{"level":"error","latency":250}' },
    ]);
    await seedStream(client, group, 'app/2', [
      { timestamp: at(1), message: 'DEBUG ERROR retrying' },
      { timestamp: at(3), message: 'Job failed: exit 1' },
      { timestamp: at(5), message: '{"level":"info","latency":20}' },
    ]);
    await seedStream(client, group, 'other', [{ timestamp: at(2), message: 'ERROR elsewhere' }]);

    const filter = async (input: Omit<FilterLogEventsCommandInput, 'logGroupName'>) => {
      const out = await client.send(new FilterLogEventsCommand({ logGroupName: group, ...input }));
      return (out.events ?? []).map((e) => `${e.logStreamName}: ${e.message}`);
    };
    assert.deepEqual(await filter({ logStreamNamePrefix: 'app/' }), [
      'app/1: INFO starting',
      'app/2: DEBUG ERROR retrying',
      'app/1: ERROR disk full',
      'app/2: Job failed: exit 1',
      'app/1: WARN slow',
      'app/2: {"level":"info","latency":20}',
      'app/1: {"level":"error","latency":250}',
    ]);
    assert.deepEqual(await filter({ filterPattern: 'ERROR' }), ['app/2: DEBUG ERROR retrying', 'app/1: ERROR disk full', 'other: ERROR elsewhere']);
    assert.deepEqual(await filter({ filterPattern: 'ERROR -DEBUG', logStreamNames: ['app/1', 'app/2'] }), ['app/1: ERROR disk full']);
    assert.deepEqual(await filter({ filterPattern: '?WARN ?"Job failed"' }), ['app/2: Job failed: exit 1', 'app/1: WARN slow']);
    assert.deepEqual(await filter({ filterPattern: '"disk full" ERROR' }), ['app/1: ERROR disk full']);
    assert.deepEqual(await filter({ filterPattern: '{ $.level = "error" }' }), ['app/1: {"level":"error","latency":250}']);
    assert.deepEqual(await filter({ filterPattern: '{ $.latency > 10 && $.level != "err*" }' }), ['app/2: {"level":"info","latency":20}']);
    assert.deepEqual(await filter({ filterPattern: '%exit [0-9]%' }), ['app/2: Job failed: exit 1']);
    assert.deepEqual(await filter({ filterPattern: '[level = WARN, ...]' }), ['app/1: WARN slow']);
    // startTime and endTime are both inclusive for FilterLogEvents.
    assert.deepEqual(await filter({ startTime: at(2), endTime: at(4), logStreamNames: ['app/1'] }), ['app/1: ERROR disk full', 'app/1: WARN slow']);
    assert.deepEqual(await filter({ logStreamNames: ['app/2'] }), ['app/2: DEBUG ERROR retrying', 'app/2: Job failed: exit 1', 'app/2: {"level":"info","latency":20}']);
    assert.deepEqual(await filter({ logStreamNames: ['no-such-stream'] }), []);

    const paged: FilteredLogEvent[] = [];
    let pages = 0;
    for await (const page of paginateFilterLogEvents({ client, pageSize: 3 }, { logGroupName: group })) {
      pages += 1;
      paged.push(...(page.events ?? []));
    }
    assert.equal(paged.length, 8);
    assert.ok(pages >= 3);
    assert.equal(new Set(paged.map((e) => e.eventId)).size, 8, 'eventIds are unique');
    assert.deepEqual(paged.map((e) => e.timestamp), [...paged.map((e) => e.timestamp)].sort((a, b) => a! - b!));
    const last = await client.send(new FilterLogEventsCommand({ logGroupName: group, startTime: at(6) }));
    assert.equal(last.nextToken, undefined, 'no nextToken once the range is exhausted');
    assert.equal(last.events?.[0]?.eventId, paged[7]?.eventId, 'eventIds are stable');
    assert.ok((last.events?.[0]?.ingestionTime ?? 0) > 0);

    for (const filterPattern of ['{ $.level = ', '"unterminated', '{ $.a > "text" }', '%(%', '[a, , b]']) {
      const bad = await rejection(client.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern })));
      assert.equal(bad.name, 'InvalidParameterException', filterPattern);
    }
    const both = await rejection(client.send(new FilterLogEventsCommand({ logGroupName: group, logStreamNames: ['a'], logStreamNamePrefix: 'a' })));
    assert.equal(both.name, 'InvalidParameterException');
  });

  test('PutLogEvents: batch rules refuse the batch, per-event rules reject events and store the rest', async () => {
    const ref = { logGroupName: '/test/put', logStreamName: 's' };
    await seedStream(client, ref.logGroupName, ref.logStreamName, []);
    const unordered = await rejection(client.send(new PutLogEventsCommand({ ...ref, logEvents: [{ timestamp: base + 1, message: 'b' }, { timestamp: base, message: 'a' }] })));
    assert.equal(unordered.name, 'InvalidParameterException');
    assert.match(unordered.message, /chronological order/);
    const wide = await rejection(client.send(new PutLogEventsCommand({ ...ref, logEvents: [{ timestamp: base - 25 * 3600_000, message: 'a' }, { timestamp: base, message: 'b' }] })));
    assert.match(wide.message, /24 hours/);
    const empty = await rejection(client.send(new PutLogEventsCommand({ ...ref, logEvents: [] })));
    assert.equal(empty.name, 'InvalidParameterException');

    const now = Date.now();
    const hour = 3600_000;
    const old = await client.send(
      new PutLogEventsCommand({
        ...ref,
        logEvents: [
          { timestamp: now - 14 * 24 * hour - hour, message: 'too old' },
          { timestamp: now - 14 * 24 * hour + hour, message: 'kept' },
        ],
      }),
    );
    assert.deepEqual(old.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 1 });
    const out = await client.send(
      new PutLogEventsCommand({
        ...ref,
        logEvents: [
          { timestamp: now + hour, message: 'kept too' },
          { timestamp: now + 3 * hour, message: 'too new' },
        ],
      }),
    );
    assert.deepEqual(out.rejectedLogEventsInfo, { tooNewLogEventStartIndex: 1 });
    await client.send(new PutRetentionPolicyCommand({ logGroupName: ref.logGroupName, retentionInDays: 1 }));
    const expired = await client.send(
      new PutLogEventsCommand({ ...ref, logEvents: [{ timestamp: now - 2 * 24 * hour, message: 'expired' }, { timestamp: now - 2 * 24 * hour + 1, message: 'expired too' }] }),
    );
    assert.deepEqual(expired.rejectedLogEventsInfo, { expiredLogEventEndIndex: 2 });
    await client.send(new DeleteRetentionPolicyCommand({ logGroupName: ref.logGroupName }));
    assert.deepEqual(messages((await get(ref)).events), ['kept', 'kept too']);
    const ok = await client.send(new PutLogEventsCommand({ ...ref, logEvents: [{ timestamp: now, message: 'fine' }], sequenceToken: 'ignored' }));
    assert.equal(ok.rejectedLogEventsInfo, undefined);

    const noGroup = await rejection(client.send(new PutLogEventsCommand({ logGroupName: '/nope', logStreamName: 's', logEvents: [{ timestamp: now, message: 'x' }] })));
    assert.equal(noGroup.name, 'ResourceNotFoundException');
    assert.equal(noGroup.message, 'The specified log group does not exist.');
    const noStream = await rejection(client.send(new PutLogEventsCommand({ ...ref, logStreamName: 'nope', logEvents: [{ timestamp: now, message: 'x' }] })));
    assert.equal(noStream.name, 'ResourceNotFoundException');
    assert.equal(noStream.message, 'The specified log stream does not exist.');
  });

  test('unknown groups and streams are ResourceNotFoundException; bad parameters InvalidParameterException', async () => {
    await seedStream(client, '/test/errors', 's', eventsFrom(base, 3));
    // Thunks, not promises: a call must not be in flight (and reject unobserved) before its turn.
    const notFound: (() => Promise<unknown>)[] = [
      () => get({ logGroupName: '/test/none', logStreamName: 's' }),
      () => get({ logGroupName: '/test/errors', logStreamName: 'none' }),
      () => client.send(new DescribeLogStreamsCommand({ logGroupName: '/test/none' })),
      () => client.send(new FilterLogEventsCommand({ logGroupName: '/test/none' })),
      () => client.send(new DeleteLogGroupCommand({ logGroupName: '/test/none' })),
      () => client.send(new DeleteLogStreamCommand({ logGroupName: '/test/errors', logStreamName: 'none' })),
      () => client.send(new CreateLogStreamCommand({ logGroupName: '/test/none', logStreamName: 's' })),
      () => client.send(new PutRetentionPolicyCommand({ logGroupName: '/test/none', retentionInDays: 1 })),
    ];
    for (const call of notFound) {
      const error = await rejection(call());
      assert.equal(error.name, 'ResourceNotFoundException', error.message);
      assert.equal(error.$metadata?.httpStatusCode, 400);
    }
    const invalid: [() => Promise<unknown>, RegExp][] = [
      [() => get({ logGroupName: '/test/errors', logStreamName: 's', limit: 0 }), /limit.*greater than or equal to 1/],
      [() => get({ logGroupName: '/test/errors', logStreamName: 's', limit: 10_001 }), /limit/],
      [() => get({ logGroupName: '/test/errors', logStreamName: 's', nextToken: 'f/123/s' }), /nextToken/],
      [() => get({ logGroupName: '/test/errors', logStreamName: 'a:b' }), /logStreamName.*\[\^:\*\]\*/],
      [() => get({ logGroupName: '/test/errors', logGroupIdentifier: '/test/errors', logStreamName: 's' }), /mutually exclusive/],
      [() => get({ logStreamName: 's' }), /LogGroupName/],
      [() => get({ logGroupName: 'bad name!', logStreamName: 's' }), /logGroupName/],
      [() => client.send(new DescribeLogStreamsCommand({ logGroupName: '/test/errors', limit: 51 })), /limit/],
      [() => client.send(new FilterLogEventsCommand({ logGroupName: '/test/errors', nextToken: 'bogus' })), /nextToken/],
      [() => client.send(new DescribeLogGroupsCommand({ nextToken: 'bogus' })), /nextToken/],
    ];
    for (const [call, pattern] of invalid) {
      const error = await rejection(call());
      assert.equal(error.name, 'InvalidParameterException', error.message);
      assert.match(error.message, pattern);
    }
  });

  test('a log group ARN works wherever logGroupIdentifier is accepted', async () => {
    await seedStream(client, '/test/arn', 's', eventsFrom(base, 2));
    const arn = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/test/arn`;
    assert.deepEqual(messages((await get({ logGroupIdentifier: arn, logStreamName: 's' })).events), lines(0, 2));
    const streams = await client.send(new DescribeLogStreamsCommand({ logGroupIdentifier: arn }));
    assert.deepEqual((streams.logStreams ?? []).map((s) => s.logStreamName), ['s']);
    const filtered = await client.send(new FilterLogEventsCommand({ logGroupIdentifier: arn }));
    assert.equal(filtered.events?.length, 2);
    const groups = await client.send(new DescribeLogGroupsCommand({ logGroupIdentifiers: [arn] }));
    assert.deepEqual((groups.logGroups ?? []).map((g) => g.logGroupName), ['/test/arn']);
  });

  test('DeleteLogStream and DeleteLogGroup remove events; deletion protection blocks both', async () => {
    await seedStream(client, '/test/delete', 'a', eventsFrom(base, 3));
    await seedStream(client, '/test/delete', 'b', eventsFrom(base, 2));
    await client.send(new DeleteLogStreamCommand({ logGroupName: '/test/delete', logStreamName: 'a' }));
    const [group] = (await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/test/delete' }))).logGroups ?? [];
    assert.equal(group?.storedBytes, 'line 0line 1'.length, 'the stream’s bytes leave the group');
    assert.equal((await rejection(get({ logGroupName: '/test/delete', logStreamName: 'a' }))).name, 'ResourceNotFoundException');
    await client.send(new DeleteLogGroupCommand({ logGroupName: '/test/delete' }));
    assert.equal((await rejection(get({ logGroupName: '/test/delete', logStreamName: 'b' }))).name, 'ResourceNotFoundException');
    // Recreated under the same names, nothing of the old events comes back.
    await seedStream(client, '/test/delete', 'b', []);
    assert.deepEqual((await get({ logGroupName: '/test/delete', logStreamName: 'b' })).events, []);

    await client.send(new CreateLogGroupCommand({ logGroupName: '/test/protected', deletionProtectionEnabled: true }));
    await client.send(new CreateLogStreamCommand({ logGroupName: '/test/protected', logStreamName: 's' }));
    const blocked = await rejection(client.send(new DeleteLogGroupCommand({ logGroupName: '/test/protected' })));
    assert.equal(blocked.name, 'ValidationException');
    assert.match(blocked.message, /deletion protection/);
    const blockedStream = await rejection(client.send(new DeleteLogStreamCommand({ logGroupName: '/test/protected', logStreamName: 's' })));
    assert.equal(blockedStream.name, 'ValidationException');
    const [protectedGroup] = (await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/test/protected' }))).logGroups ?? [];
    assert.equal(protectedGroup?.deletionProtectionEnabled, true);
  });
});
