import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type BatchClient, DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import { type CloudWatchLogsClient, FilterLogEventsCommand, type FilterLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import { batchClient, rejection } from '../../helpers/clients.js';
import { type BargeProcess, startBarge } from '../../helpers/server.js';
import { logsClient, seedStream } from './client.js';

/**
 * Issue 11: `--filter-pattern '%(a+)+$%'` over five 31-character lines held Barge's event loop
 * for 119 s; every other call and the scheduler waited. AWS does not accept `(`, so that pattern is
 * refused; patterns AWS does accept that make a backtracking engine run for ever are answered in
 * milliseconds, with the right events, while other calls keep their latency.
 */
describe('FilterLogEvents regex patterns cannot stall the server', () => {
  const group = '/regex/stall';
  const base = Date.now() - 60 * 60_000;
  const lines = [
    ...Array.from({ length: 5 }, () => 'a'.repeat(31)),
    'a'.repeat(50_000),
    `${'a'.repeat(50_000)}b`,
    `${' '.repeat(50_000)}y`,
    `${' '.repeat(50_000)}x`,
    'ERROR 503 upstream',
  ];

  let barge: BargeProcess;
  let logs: CloudWatchLogsClient;
  let batch: BatchClient;
  before(async () => {
    barge = await startBarge();
    logs = logsClient(barge.url);
    batch = batchClient(barge.url);
    await seedStream(logs, group, 's', lines.map((message, i) => ({ timestamp: base + i, message })));
  });
  after(async () => {
    logs.destroy();
    batch.destroy();
    await barge.stop();
  });

  type Filtered = { out?: FilterLogEventsCommandOutput; error?: unknown; ms: number };
  /** Runs a FilterLogEvents and, while it is in flight, a Batch DescribeJobQueues; both timed. */
  const filterBeside = async (filterPattern: string) => {
    const started = performance.now();
    const filtered = logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern })).then(
      (out): Filtered => ({ out, ms: performance.now() - started }),
      (error: unknown): Filtered => ({ error, ms: performance.now() - started }),
    );
    const queues = batch.send(new DescribeJobQueuesCommand({})).then(() => performance.now() - started);
    const [result, queuesMs] = await Promise.all([filtered, queues]);
    return { ...result, queuesMs };
  };

  test('%(a+)+$% and other patterns AWS does not accept are refused at once', async () => {
    for (const [pattern, reason] of [
      ['%(a+)+$%', /no sub-patterns/],
      ['%(.*)*x%', /no sub-patterns/],
      ['%something!%', /"!" at offset 9 is not supported/],
      ['%caf\u00e9%', /multi-byte characters/],
      ['%a**%', /nothing to repeat/],
      ['%[a-z]{300}[a-z]{300}%', /too large/],
    ] as const) {
      const { error, ms, queuesMs } = await filterBeside(pattern);
      assert.ok(error instanceof Error, `${pattern} is refused`);
      assert.equal(error.name, 'InvalidParameterException', pattern);
      assert.match(error.message, /^Invalid filter pattern: /);
      assert.match(error.message, reason);
      assert.ok(ms < 2_000 && queuesMs < 2_000, `${pattern}: refused after ${Math.round(ms)} ms, DescribeJobQueues took ${Math.round(queuesMs)} ms`);
    }
    const refused = await rejection(logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '%(a+)+$%' })));
    assert.equal(refused.$metadata?.httpStatusCode, 400);
  });

  test('patterns AWS accepts that backtrack catastrophically answer quickly, with the right events', async (t) => {
    const cases: [string, number[]][] = [
      ['%a*a*a*a*a*a*a*a*b%', [6]],
      ['%\\s*\\s*\\s*\\s*\\s*x$%', [8]],
      ['%^a*a*a*a*a*a*a*a*a*a*$%', [0, 1, 2, 3, 4, 5]],
      ['%.*.*.*.*.*.*.*.*.*.*=%', []],
      ['%a{1,30}a{1,30}a{1,30}$|ERROR [0-9]{3}%', [0, 1, 2, 3, 4, 5, 9]],
    ];
    for (const [pattern, expected] of cases) {
      const { out, error, ms, queuesMs } = await filterBeside(pattern);
      assert.equal(error, undefined, `${pattern}: ${String(error)}`);
      t.diagnostic(`${pattern}: ${out!.events?.length} events in ${Math.round(ms)} ms; DescribeJobQueues meanwhile ${Math.round(queuesMs)} ms`);
      assert.deepEqual((out!.events ?? []).map((e) => e.message), expected.map((i) => lines[i]), pattern);
      assert.ok(ms < 2_000, `${pattern} took ${Math.round(ms)} ms`);
      assert.ok(queuesMs < 2_000, `DescribeJobQueues waited ${Math.round(queuesMs)} ms behind ${pattern}`);
    }
  });
});
