import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BATCH_JOB_LOG_GROUP, Logs } from '../../../src/domain/logs/logs.js';
import { SqliteLogStore } from '../../../src/store/sqlite/log-store.js';

/**
 * The job runner's path into the log store, Logs.appendJobOutput, on a real SQLite file with no
 * HTTP in between: first use creates /aws/batch/job and the stream, concurrent writers share
 * commits, and what was appended survives closing and reopening the file.
 */
describe('Logs.appendJobOutput', () => {
  const dir = mkdtempSync(join(tmpdir(), 'barge-logs-'));
  const file = join(dir, 'logs.db');
  let now = 1_800_000_000_000;
  const clock = { now: () => now };
  const open = () => {
    const store = new SqliteLogStore(file);
    return { store, logs: new Logs({ store, clock, region: 'eu-west-1', accountId: '111122223333' }) };
  };
  let { store, logs } = open();
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('creates /aws/batch/job and the stream on first use, drops empty lines, appends later output', async () => {
    await logs.appendJobOutput(BATCH_JOB_LOG_GROUP, 'jd/default/task-1', [
      { timestamp: now - 2, message: 'hello' },
      { timestamp: now - 1, message: '' },
      { timestamp: now, message: 'world' },
    ]);
    now += 1000;
    await logs.appendJobOutput(BATCH_JOB_LOG_GROUP, 'jd/default/task-1', [{ timestamp: now, message: 'later' }]);

    const groups = await logs.describeLogGroups({ logGroupNamePrefix: '/aws/batch/' });
    assert.deepEqual(groups.items.map((g) => [g.logGroupName, g.arn]), [[BATCH_JOB_LOG_GROUP, 'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/batch/job']]);
    const page = await logs.getLogEvents({ logGroup: BATCH_JOB_LOG_GROUP, logStreamName: 'jd/default/task-1', startFromHead: true });
    assert.deepEqual(page.events.map((e) => e.message), ['hello', 'world', 'later']);
    assert.deepEqual(page.events.map((e) => e.ingestionTime), [now - 1000, now - 1000, now]);
    const [stream] = (await logs.describeLogStreams({ logGroup: BATCH_JOB_LOG_GROUP })).items;
    assert.equal(stream?.firstEventTimestamp, now - 1002);
    assert.equal(stream?.lastEventTimestamp, now);
    assert.equal(stream?.lastIngestionTime, now);
  });

  test('concurrent first writes to new streams share commits and create the group once', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => logs.appendJobOutput('/aws/batch/other', `jd/default/t-${i}`, [{ timestamp: now, message: `from ${i}` }])),
    );
    const streams = await logs.describeLogStreams({ logGroup: '/aws/batch/other', limit: 50 });
    assert.equal(streams.items.length, 20);
    const all = await logs.filterLogEvents({ logGroup: '/aws/batch/other' });
    assert.equal(all.events.length, 20);
  });

  test('an existing group keeps its settings', async () => {
    await logs.createLogGroup({ logGroupName: '/custom', logGroupClass: 'INFREQUENT_ACCESS' });
    await logs.putRetentionPolicy('/custom', 7);
    await logs.appendJobOutput('/custom', 's', [{ timestamp: now, message: 'x' }]);
    const [group] = (await logs.describeLogGroups({ logGroupNamePrefix: '/custom' })).items;
    assert.equal(group?.logGroupClass, 'INFREQUENT_ACCESS');
    assert.equal(group?.retentionInDays, 7);
  });

  test('100,000 lines appended in batches survive reopening the file and page back in order', async (t) => {
    const started = performance.now();
    for (let b = 0; b < 10; b += 1) {
      const lines = Array.from({ length: 10_000 }, (_, k) => ({ timestamp: now + b * 10_000 + k, message: `line ${b * 10_000 + k}` }));
      await logs.appendJobOutput(BATCH_JOB_LOG_GROUP, 'jd/default/big', lines);
    }
    t.diagnostic(`appended 100,000 lines in ${Math.round(performance.now() - started)} ms`);
    await store.close();
    ({ store, logs } = open());

    let page = await logs.getLogEvents({ logGroup: BATCH_JOB_LOG_GROUP, logStreamName: 'jd/default/big', startFromHead: true });
    let expected = 0;
    while (page.events.length > 0) {
      for (const e of page.events) assert.equal(e.message, `line ${expected++}`);
      page = await logs.getLogEvents({ logGroup: BATCH_JOB_LOG_GROUP, logStreamName: 'jd/default/big', nextToken: page.nextForwardToken });
    }
    assert.equal(expected, 100_000);
  });
});
