import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LeadershipLostError } from '../../src/domain/errors.js';
import type { LeaseStore } from '../../src/domain/leadership.js';
import { PostgresDatabase } from '../../src/store/postgres/database.js';
import { PostgresLeaseStore } from '../../src/store/postgres/lease-store.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { testDatabaseUrl } from '../helpers/test-database.js';

type LeaseBackend = LeaseStore & { installationId(proposed: string): Promise<string> };

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'barge-lease-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const backends: { name: string; open(): Promise<{ lease: LeaseBackend; close(): Promise<void> }> }[] = [
  {
    name: 'SQLite',
    async open() {
      const store = new SqliteStore(join(dir, `lease-${Math.random().toString(36).slice(2)}.db`));
      return { lease: store, close: () => store.close() };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const db = new PostgresDatabase(await testDatabaseUrl());
      return { lease: await PostgresLeaseStore.open(db), close: () => db.close() };
    },
  },
];

for (const backend of backends) {
  describe(`leader lease on ${backend.name}`, () => {
    test('taken with term 1, renewed under the same term, given up; a new holder gets a higher term', async () => {
      const { lease, close } = await backend.open();
      try {
        assert.equal(await lease.currentLease(), undefined);
        assert.deepEqual(await lease.acquireOrRenewLease('a', undefined, 10_000), { term: 1 });
        assert.deepEqual(await lease.acquireOrRenewLease('a', 1, 10_000), { term: 1 });
        assert.deepEqual(await lease.currentLease(), { holder: 'a', term: 1, expired: false });
        await lease.resignLease('a', 1);
        assert.equal((await lease.currentLease())?.expired, true);
        assert.deepEqual(await lease.acquireOrRenewLease('b', undefined, 10_000), { term: 2 });
        // The old holder's renewal under its term fails: the term has moved on.
        const old = await lease.acquireOrRenewLease('a', 1, 10_000);
        assert.notDeepEqual(old, { term: 1 });
      } finally {
        await close();
      }
    });

    test('the installation id is the first one proposed, for good', async () => {
      const { lease, close } = await backend.open();
      try {
        assert.equal(await lease.installationId('first'), 'first');
        assert.equal(await lease.installationId('second'), 'first');
      } finally {
        await close();
      }
    });
  });
}

describe('leader lease on PostgreSQL, several processes', () => {
  test('an unexpired lease is not taken; an expired one is, by one of many racing for it', async () => {
    const db = new PostgresDatabase(await testDatabaseUrl(), { maxConnections: 20 });
    try {
      const lease = await PostgresLeaseStore.open(db);
      assert.deepEqual(await lease.acquireOrRenewLease('a', undefined, 300), { term: 1 });
      assert.equal(await lease.acquireOrRenewLease('b', undefined, 300), undefined);
      await new Promise((r) => setTimeout(r, 400));
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => lease.acquireOrRenewLease(`racer-${i}`, undefined, 10_000)));
      const winners = results.filter((r) => r !== undefined);
      assert.equal(winners.length, 1, 'exactly one racer takes the expired lease');
      assert.deepEqual(winners[0], { term: 2 });
    } finally {
      await db.close();
    }
  });

  test("writes fenced by a term are refused once the lease has moved on, and change nothing", async () => {
    const db = new PostgresDatabase(await testDatabaseUrl());
    try {
      const lease = await PostgresLeaseStore.open(db);
      const { term } = (await lease.acquireOrRenewLease('a', undefined, 300))!;
      let held: number | undefined = term;
      const fencedStore = new PostgresStore(db.fenced(() => held));
      const plainStore = new PostgresStore(db);
      await fencedStore.saveWaitBoard('{"by":"a"}');
      assert.equal(await plainStore.loadWaitBoard(), '{"by":"a"}');
      // The lease expires and another process takes it: a's writes under its old term fail.
      await new Promise((r) => setTimeout(r, 400));
      assert.deepEqual(await lease.acquireOrRenewLease('b', undefined, 10_000), { term: term + 1 });
      await assert.rejects(fencedStore.saveWaitBoard('{"by":"a, late"}'), LeadershipLostError);
      assert.equal(await plainStore.loadWaitBoard(), '{"by":"a"}');
      // And when the process knows it does not lead, nothing reaches the database at all.
      held = undefined;
      await assert.rejects(fencedStore.saveWaitBoard('{"by":"nobody"}'), LeadershipLostError);
      // Reads are not fenced.
      assert.equal(await fencedStore.loadWaitBoard(), '{"by":"a"}');
    } finally {
      await db.close();
    }
  });
});
