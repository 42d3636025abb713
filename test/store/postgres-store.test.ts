import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { ConflictError } from '../../src/domain/errors.js';
import type { Job, JobStatus } from '../../src/domain/jobs/job.js';
import type { NamedResources, Store } from '../../src/domain/ports.js';
import type { JobDefinition } from '../../src/domain/resources/job-definition.js';
import { PostgresDatabase } from '../../src/store/postgres/database.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { jobRecord, TEST_QUEUE_ARN } from '../helpers/job-records.js';
import { testDatabaseUrl } from '../helpers/test-database.js';

/** A store backend under test: each `open()` is a fresh, empty store; `close` releases it. */
interface Backend {
  name: string;
  open(): Promise<{ store: Store; close(): Promise<void> }>;
}

let sqliteDir: string;
let sqliteFiles = 0;
const backends: Backend[] = [
  {
    name: 'SqliteStore',
    async open() {
      const store = new SqliteStore(join(sqliteDir, `store-${++sqliteFiles}.db`), { synchronous: 'normal' });
      return { store, close: () => store.close() };
    },
  },
  {
    name: 'PostgresStore',
    async open() {
      const db = new PostgresDatabase(await testDatabaseUrl(), { maxConnections: 25 });
      const store = await PostgresStore.open(db);
      return {
        store,
        async close() {
          await store.close();
          await db.close();
        },
      };
    },
  },
];

before(() => {
  sqliteDir = mkdtempSync(join(tmpdir(), 'barge-store-contract-'));
});
after(() => rmSync(sqliteDir, { recursive: true, force: true }));

const ARN_PREFIX = 'arn:aws:batch:us-east-1:123456789012';
const OTHER_QUEUE_ARN = `${ARN_PREFIX}:job-queue/other`;

function environment(name: string, extra: Record<string, unknown> = {}): NamedResources['compute-environment'] {
  return { name, arn: `${ARN_PREFIX}:compute-environment/${name}`, ...extra } as unknown as NamedResources['compute-environment'];
}

function queue(name: string): NamedResources['job-queue'] {
  return { name, arn: `${ARN_PREFIX}:job-queue/${name}` } as unknown as NamedResources['job-queue'];
}

function definition(name: string, extra: Partial<JobDefinition> = {}): Omit<JobDefinition, 'revision' | 'arn'> {
  return { name, status: 'ACTIVE', type: 'container', containerOrchestrationType: 'ECS', tags: {}, createdAt: 1000, ...extra };
}

const arnOf = (name: string) => (revision: number) => `${ARN_PREFIX}:job-definition/${name}:${revision}`;

function job(jobId: string, status: JobStatus, createdAt: number, extra: Parameters<typeof jobRecord>[1] = {}): Job {
  return jobRecord(jobId, { status, createdAt, ...extra });
}

/** A parent and its children, the way SubmitJob builds an array job. */
function arrayJob(parentId: string, size: number, createdAt: number, childStatus: JobStatus = 'SUBMITTED'): Job[] {
  const parent = job(parentId, 'PENDING', createdAt, { spec: { arraySize: size } });
  const children = Array.from({ length: size }, (_, index) => ({
    ...job(`${parentId}:${index}`, childStatus, createdAt),
    spec: parent.spec,
    arrayParent: { jobId: parentId, index },
  }));
  return [parent, ...children];
}

const ids = (jobs: { jobId: string }[]) => jobs.map((j) => j.jobId);

/** Every page of a listing, following its cursors. */
async function allPages<T>(list: (after: string | undefined) => Promise<{ items: T[]; cursor?: string }>): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const slice = await list(cursor);
    pages.push(slice.items);
    cursor = slice.cursor;
  } while (cursor !== undefined);
  return pages;
}

for (const backend of backends) {
  describe(`Store contract: ${backend.name}`, () => {
    /** Runs `scenario` on a fresh store of this backend. */
    const withStore = (scenario: (store: Store) => Promise<void>) => async () => {
      const opened = await backend.open();
      try {
        await scenario(opened.store);
      } finally {
        await opened.close();
      }
    };

    test(
      'resources: insert, conflict, get, replace, delete, and listing in creation order',
      withStore(async (store) => {
        for (const name of ['b', 'a', 'c']) await store.insertResource('compute-environment', environment(name));
        await assert.rejects(store.insertResource('compute-environment', environment('a')), (error: unknown) => {
          assert.ok(error instanceof ConflictError);
          assert.equal(error.message, 'Object already exists: compute environment a');
          return true;
        });
        // Names are per kind.
        await store.insertResource('job-queue', queue('a'));

        assert.deepEqual(await store.getResource('compute-environment', 'a'), environment('a'));
        assert.equal(await store.getResource('compute-environment', 'missing'), undefined);
        assert.equal(await store.getResource('scheduling-policy', 'a'), undefined);

        const first = await store.listResources('compute-environment', { limit: 2 });
        assert.deepEqual(first.items.map((r) => r.name), ['b', 'a']);
        assert.ok(first.cursor);
        // A resource created between pages comes after the cursor; nothing is repeated or skipped.
        await store.insertResource('compute-environment', environment('d'));
        const rest = await store.listResources('compute-environment', { after: first.cursor, limit: 2 });
        assert.deepEqual(rest.items.map((r) => r.name), ['c', 'd']);
        assert.equal(rest.cursor, undefined);

        const named = await store.listResources('compute-environment', { names: ['d', 'b', 'zz'], limit: 10 });
        assert.deepEqual(named.items.map((r) => r.name), ['b', 'd']);
        assert.deepEqual(await store.listResources('compute-environment', { names: [], limit: 10 }), { items: [] });
        const namedPages = await allPages((cursor) => store.listResources('compute-environment', { names: ['c', 'b', 'd'], limit: 1, ...(cursor ? { after: cursor } : {}) }));
        assert.deepEqual(namedPages.map((p) => p.map((r) => r.name)), [['b'], ['c'], ['d']]);

        await store.replaceResource('compute-environment', environment('a', { state: 'DISABLED' }));
        assert.deepEqual(await store.getResource('compute-environment', 'a'), environment('a', { state: 'DISABLED' }));
        await store.replaceResource('compute-environment', environment('gone'));
        assert.equal(await store.getResource('compute-environment', 'gone'), undefined);

        await store.deleteResource('compute-environment', 'a');
        await store.deleteResource('compute-environment', 'never-there');
        assert.deepEqual((await store.listResources('compute-environment', { limit: 10 })).items.map((r) => r.name), ['b', 'c', 'd']);
        assert.deepEqual((await store.listResources('job-queue', { limit: 10 })).items.map((r) => r.name), ['a']);
      }),
    );

    test(
      'job definitions: revisions per name, never reused, atomic under concurrency',
      withStore(async (store) => {
        const x1 = await store.insertJobDefinition(definition('x'), arnOf('x'));
        assert.deepEqual(x1, { ...definition('x'), revision: 1, arn: arnOf('x')(1) });
        assert.equal((await store.insertJobDefinition(definition('x', { tags: { t: '1' } }), arnOf('x'))).revision, 2);
        assert.equal((await store.insertJobDefinition(definition('y'), arnOf('y'))).revision, 1);

        const concurrent = await Promise.all(Array.from({ length: 20 }, () => store.insertJobDefinition(definition('z'), arnOf('z'))));
        assert.deepEqual(
          concurrent.map((d) => d.revision).sort((a, b) => a - b),
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
        for (const d of concurrent) assert.equal(d.arn, arnOf('z')(d.revision));

        assert.deepEqual(await store.getJobDefinition('x', 2), { ...definition('x', { tags: { t: '1' } }), revision: 2, arn: arnOf('x')(2) });
        assert.equal(await store.getJobDefinition('x', 3), undefined);
        assert.equal((await store.getLatestActiveJobDefinition('x'))?.revision, 2);

        await store.updateJobDefinition('x', 2, { status: 'INACTIVE' });
        await store.updateJobDefinition('x', 1, { tags: { new: 'tag' } });
        assert.equal((await store.getJobDefinition('x', 2))?.status, 'INACTIVE');
        assert.deepEqual((await store.getJobDefinition('x', 1))?.tags, { new: 'tag' });
        assert.equal((await store.getLatestActiveJobDefinition('x'))?.revision, 1);
        assert.equal(await store.getLatestActiveJobDefinition('nothing'), undefined);
        // Deregistered revisions still count: the next one is 3, not 2.
        assert.equal((await store.insertJobDefinition(definition('x'), arnOf('x'))).revision, 3);
      }),
    );

    test(
      'job definitions: listing by name then revision descending, with filters and cursors',
      withStore(async (store) => {
        for (const name of ['b', 'a', 'b', 'c', 'a', 'B']) await store.insertJobDefinition(definition(name), arnOf(name));
        await store.updateJobDefinition('a', 1, { status: 'INACTIVE' });
        const refsOf = (defs: JobDefinition[]) => defs.map((d) => `${d.name}:${d.revision}`);

        const pages = await allPages((cursor) => store.listJobDefinitions({ limit: 2, ...(cursor ? { after: cursor } : {}) }));
        // Bytewise order: upper case before lower case.
        assert.deepEqual(pages.map(refsOf), [['B:1', 'a:2'], ['a:1', 'b:2'], ['b:1', 'c:1']]);
        assert.deepEqual(refsOf((await store.listJobDefinitions({ name: 'a', limit: 10 })).items), ['a:2', 'a:1']);
        assert.deepEqual(refsOf((await store.listJobDefinitions({ status: 'ACTIVE', limit: 10 })).items), ['B:1', 'a:2', 'b:2', 'b:1', 'c:1']);
        assert.deepEqual(refsOf((await store.listJobDefinitions({ name: 'a', status: 'INACTIVE', limit: 10 })).items), ['a:1']);
        assert.deepEqual(
          refsOf((await store.listJobDefinitions({ refs: [{ name: 'c', revision: 1 }, { name: 'a', revision: 1 }, { name: 'a', revision: 9 }], limit: 10 })).items),
          ['a:1', 'c:1'],
        );
        assert.deepEqual(refsOf((await store.listJobDefinitions({ refs: [{ name: 'c', revision: 1 }], names: ['b'], limit: 10 })).items), ['b:2', 'b:1', 'c:1']);
        // refs/names take precedence over name/status.
        assert.deepEqual(refsOf((await store.listJobDefinitions({ names: ['a'], status: 'ACTIVE', limit: 10 })).items), ['a:2', 'a:1']);
        assert.deepEqual(await store.listJobDefinitions({ refs: [], limit: 10 }), { items: [] });
        assert.deepEqual(await store.listJobDefinitions({ names: [], limit: 10 }), { items: [] });
      }),
    );

    test(
      'jobs: inserted records read back whole, array children sharing the parent spec',
      withStore(async (store) => {
        const plain = job('plain', 'SUBMITTED', 1000, {
          tags: { team: 'x' },
          statusReason: 'why',
          startedAt: 1500,
          stoppedAt: 1600,
          isCancelled: true,
          isTerminated: true,
          attempts: [{ number: 1, container: { exitCode: 1, reason: 'r "quoted" \\ back' }, startedAt: 1500, stoppedAt: 1600 }],
          spec: { shareIdentifier: 'blue', schedulingPriority: 5, parameters: { a: 'ü{"x"}' } },
        });
        const array = arrayJob('arr', 3, 2000);
        await store.insertJobs([plain, ...array]);
        assert.deepEqual(await store.getJobs(['arr:2', 'missing', 'plain', 'arr']), [array[3], plain, array[0]]);
        assert.deepEqual(await store.getJobs([]), []);
        await assert.rejects(store.insertJobs([job('new', 'SUBMITTED', 1), job('plain', 'SUBMITTED', 1)]), Error);
        // The failed insert left nothing behind.
        assert.deepEqual(await store.getJobs(['new']), []);
      }),
    );

    test(
      'jobs: an array of 10,000 children in one call; children and summaries',
      withStore(async (store) => {
        const array = arrayJob('big', 10_000, 1000);
        await store.insertJobs(array);
        const children = await store.listArrayChildren('big');
        assert.equal(children.length, 10_000);
        assert.deepEqual(children.slice(0, 3), [0, 1, 2].map((index) => ({ index, status: 'SUBMITTED' })));
        assert.equal(children[9_999]!.index, 9_999);
        const some = Array.from({ length: 100 }, (_, i) => `big:${i * 7}`);
        assert.deepEqual(ids(await store.getJobs(some)), some);
        await store.transitionJobs([{ jobIds: ['big:1', 'big:2'], from: ['SUBMITTED'], to: 'RUNNABLE', change: {} }]);
        const summaries = await store.arrayStatusSummaries(['big', 'nothing']);
        assert.deepEqual(summaries.get('big'), { SUBMITTED: 9_998, PENDING: 0, RUNNABLE: 2, STARTING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0 });
        assert.deepEqual(summaries.get('nothing'), { SUBMITTED: 0, PENDING: 0, RUNNABLE: 0, STARTING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0 });
        assert.deepEqual(await store.listArrayChildren('nothing'), []);
      }),
    );

    test(
      'listJobs: queue and array scopes, filters and cursors',
      withStore(async (store) => {
        await store.insertJobs([
          job('j1', 'RUNNABLE', 1000, { spec: { jobName: 'Alpha_1', shareIdentifier: 'blue', jobDefinitionArn: `${ARN_PREFIX}:job-definition/d:1` } }),
          job('j2', 'SUCCEEDED', 2000, { spec: { jobName: 'alphabet', shareIdentifier: 'Blue2', jobDefinitionArn: `${ARN_PREFIX}:job-definition/d:2` } }),
          job('j3', 'RUNNABLE', 2000, { spec: { jobName: 'beta', jobDefinitionArn: `${ARN_PREFIX}:job-definition/dx:1` } }),
          job('j4', 'RUNNABLE', 3000, { spec: { jobName: 'alpha%', jobQueueArn: OTHER_QUEUE_ARN } }),
          ...arrayJob('arr', 2, 2500),
        ]);
        const list = (query: Partial<Parameters<Store['listJobs']>[0]> = {}) =>
          store.listJobs({ scope: { kind: 'queue', jobQueueArn: TEST_QUEUE_ARN }, limit: 100, ...query }).then((s) => ids(s.items));

        assert.deepEqual(await list(), ['arr', 'j3', 'j2', 'j1']);
        assert.deepEqual(await list({ oldestFirst: true }), ['j1', 'j2', 'j3', 'arr']);
        assert.deepEqual(await list({ includeArrayChildren: true }), ['arr:1', 'arr:0', 'arr', 'j3', 'j2', 'j1']);
        assert.deepEqual(await list({ statuses: ['RUNNABLE', 'PENDING'] }), ['arr', 'j3', 'j1']);
        assert.deepEqual(await list({ nameLike: 'ALPHA_1' }), ['j1']);
        assert.deepEqual(await list({ nameLike: 'alpha' }), []);
        assert.deepEqual(await list({ nameLike: 'ALPHA*' }), ['j2', 'j1']);
        assert.deepEqual(await list({ nameLike: 'alpha_*' }), ['j1']);
        assert.deepEqual(await list({ definitionLike: 'd' }), ['arr', 'j2', 'j1']);
        assert.deepEqual(await list({ definitionLike: 'd:2' }), ['j2']);
        assert.deepEqual(await list({ definitionLike: 'd*' }), ['arr', 'j3', 'j2', 'j1']);
        assert.deepEqual(await list({ definitionLike: `${ARN_PREFIX}:job-definition/dx:1` }), ['j3']);
        assert.deepEqual(await list({ definitionLike: `${ARN_PREFIX}:job-definition/d` }), ['arr', 'j2', 'j1']);
        assert.deepEqual(await list({ definitionLike: `${ARN_PREFIX}:job-definition/D*` }), ['arr', 'j3', 'j2', 'j1']);
        assert.deepEqual(await list({ createdAfter: 1000, createdBefore: 2500 }), ['j3', 'j2']);
        assert.deepEqual(await list({ shareIdentifier: 'blue' }), ['j1']);
        assert.deepEqual(await list({ shareIdentifier: 'BLUE*' }), ['j2', 'j1']);

        // Newest first in pages of 2; a job inserted between pages (newer) does not disturb the walk.
        const first = await store.listJobs({ scope: { kind: 'queue', jobQueueArn: TEST_QUEUE_ARN }, limit: 2 });
        assert.deepEqual(ids(first.items), ['arr', 'j3']);
        await store.insertJobs([job('j5', 'SUBMITTED', 5000), job('j6', 'SUBMITTED', 2000)]);
        const second = await store.listJobs({ scope: { kind: 'queue', jobQueueArn: TEST_QUEUE_ARN }, limit: 2, after: first.cursor! });
        assert.deepEqual(ids(second.items), ['j2', 'j1']);
        assert.equal(second.cursor, undefined);
        const oldest = await allPages((cursor) =>
          store.listJobs({ scope: { kind: 'queue', jobQueueArn: TEST_QUEUE_ARN }, oldestFirst: true, limit: 2, ...(cursor ? { after: cursor } : {}) }),
        );
        assert.deepEqual(oldest.map(ids), [['j1', 'j2'], ['j3', 'j6'], ['arr', 'j5']]);

        const childPages = await allPages((cursor) => store.listJobs({ scope: { kind: 'array', parentJobId: 'arr' }, limit: 1, ...(cursor ? { after: cursor } : {}) }));
        assert.deepEqual(childPages.map(ids), [['arr:0'], ['arr:1']]);
        assert.deepEqual(ids((await store.listJobs({ scope: { kind: 'array', parentJobId: 'arr' }, statuses: ['RUNNING'], limit: 5 })).items), []);
      }),
    );

    test(
      'updateJobs and transitionJobs are compare-and-set, in order, in one transaction',
      withStore(async (store) => {
        await store.insertResource('job-queue', queue('q'));
        await store.insertJobs([
          job('a', 'SUBMITTED', 1000),
          job('b', 'RUNNABLE', 1001),
          job('c', 'PENDING', 1002),
          job('d', 'RUNNABLE', 1003, { isTerminated: true }),
          job('e', 'RUNNABLE', 1004, { spec: { jobQueueArn: OTHER_QUEUE_ARN } }),
        ]);
        const statusOf = async (id: string) => (await store.getJobs([id]))[0]!.status;

        const updated = await store.updateJobs(['a', 'b', 'c', 'missing'], ['SUBMITTED', 'PENDING'], { statusReason: 'noted', tags: { k: 'v' } });
        assert.deepEqual([...updated].sort(), ['a', 'c']);
        assert.equal((await store.getJobs(['a']))[0]!.statusReason, 'noted');
        assert.deepEqual((await store.getJobs(['c']))[0]!.tags, { k: 'v' });
        assert.equal((await store.getJobs(['b']))[0]!.statusReason, undefined);
        await store.updateJobs(['a'], ['SUBMITTED'], { statusReason: undefined });
        assert.equal((await store.getJobs(['a']))[0]!.statusReason, undefined);
        assert.deepEqual(await store.updateJobs(['a'], ['SUBMITTED'], {}), []);

        const moved = await store.transitionJobs([
          { jobIds: ['a', 'b', 'c'], from: ['SUBMITTED', 'PENDING'], to: 'RUNNABLE', change: {} },
          // Sees the first transition's result: a and c are RUNNABLE now.
          { jobIds: ['a', 'c'], from: ['RUNNABLE'], to: 'STARTING', change: { computeEnvironmentArn: 'ce-1', statusReason: 'placed' } },
          { jobIds: ['b', 'd'], from: ['RUNNABLE'], to: 'FAILED', change: { stoppedAt: 9000 }, unlessTerminated: true },
          { jobIds: ['e'], from: ['RUNNABLE'], to: 'FAILED', change: {}, whileQueueExists: true },
          { jobIds: ['a'], from: [], to: 'FAILED', change: {} },
        ]);
        const sortMoves = (m: typeof moved) => [...m].sort((x, y) => (x.jobId + x.to).localeCompare(y.jobId + y.to));
        assert.deepEqual(
          sortMoves(moved),
          sortMoves([
            { jobId: 'a', from: 'SUBMITTED', to: 'RUNNABLE' },
            { jobId: 'c', from: 'PENDING', to: 'RUNNABLE' },
            { jobId: 'a', from: 'RUNNABLE', to: 'STARTING' },
            { jobId: 'c', from: 'RUNNABLE', to: 'STARTING' },
            { jobId: 'b', from: 'RUNNABLE', to: 'FAILED' },
          ]),
        );
        // Transitions are applied in the order given.
        assert.deepEqual(moved.map((m) => m.to), ['RUNNABLE', 'RUNNABLE', 'STARTING', 'STARTING', 'FAILED']);
        assert.equal(await statusOf('d'), 'RUNNABLE');
        assert.equal(await statusOf('e'), 'RUNNABLE');
        assert.equal((await store.getJobs(['b']))[0]!.stoppedAt, 9000);
        assert.deepEqual(await store.vcpusInUse(), new Map([['ce-1', 2]]));

        // Going back to RUNNABLE clears the environment.
        await store.transitionJobs([{ jobIds: ['c'], from: ['STARTING'], to: 'RUNNABLE', change: { computeEnvironmentArn: null } }]);
        assert.deepEqual(await store.vcpusInUse(), new Map([['ce-1', 1]]));

        await store.insertResource('job-queue', queue('other'));
        assert.deepEqual(await store.transitionJobs([{ jobIds: ['e'], from: ['RUNNABLE'], to: 'FAILED', change: {}, whileQueueExists: true }]), [
          { jobId: 'e', from: 'RUNNABLE', to: 'FAILED' },
        ]);
      }),
    );

    test(
      'two concurrent transitions of the same jobs: each job moves once',
      withStore(async (store) => {
        const jobIds = Array.from({ length: 50 }, (_, i) => `j${i}`);
        await store.insertJobs(jobIds.map((id) => job(id, 'RUNNABLE', 1000)));
        const forward = [...jobIds];
        const backward = [...jobIds].reverse();
        const results = await Promise.all(
          [forward, backward, forward, backward].map((order, n) =>
            store.transitionJobs([{ jobIds: order, from: ['RUNNABLE'], to: 'STARTING', change: { computeEnvironmentArn: `ce-${n}` } }]),
          ),
        );
        const moved = results.flat().map((m) => m.jobId).sort();
        assert.deepEqual(moved, [...jobIds].sort());
        const updates = await Promise.all([store.updateJobs(['j0'], ['STARTING'], { statusReason: '1' }), store.updateJobs(['j0'], ['STARTING'], { statusReason: '2' })]);
        assert.equal(updates.flat().length, 2);
        const single = await Promise.all([
          store.transitionJobs([{ jobIds: ['j1'], from: ['STARTING'], to: 'RUNNING', change: {} }]),
          store.transitionJobs([{ jobIds: ['j1'], from: ['STARTING'], to: 'FAILED', change: {} }]),
        ]);
        assert.equal(single.flat().length, 1);
      }),
    );

    test(
      'listJobsByStatus: oldest first by creation then insertion, plainOnly, queue, cursor',
      withStore(async (store) => {
        await store.insertJobs([job('s3', 'SUBMITTED', 3000), job('s1', 'SUBMITTED', 1000), job('p1', 'PENDING', 500)]);
        await store.insertJobs([...arrayJob('arr', 2, 100, 'SUBMITTED'), job('o1', 'SUBMITTED', 50, { spec: { jobQueueArn: OTHER_QUEUE_ARN } })]);
        const pages = await allPages((cursor) => store.listJobsByStatus({ statuses: ['SUBMITTED'], limit: 2, ...(cursor ? { after: cursor } : {}) }));
        // Insertion order.
        assert.deepEqual(pages.map(ids), [['s3', 's1'], ['arr:0', 'arr:1'], ['o1']]);
        assert.deepEqual(ids((await store.listJobsByStatus({ statuses: ['SUBMITTED', 'PENDING'], plainOnly: true, limit: 10 })).items), ['s3', 's1', 'p1', 'arr', 'o1']);
        assert.deepEqual(ids((await store.listJobsByStatus({ statuses: ['SUBMITTED'], queueArn: OTHER_QUEUE_ARN, limit: 10 })).items), ['o1']);
        assert.deepEqual((await store.listJobsByStatus({ statuses: [], limit: 10 })).items, []);
      }),
    );

    test(
      'scheduler reads: runnable FIFO and by share, shares, jobs ahead, vCPUs in use, share usage',
      withStore(async (store) => {
        await store.insertJobs([
          job('r3', 'RUNNABLE', 3000, { spec: { shareIdentifier: 'blue', schedulingPriority: 1 } }),
          job('r1', 'RUNNABLE', 1000, { spec: { shareIdentifier: 'blue', schedulingPriority: 0 } }),
          job('r2', 'RUNNABLE', 1000, { spec: { shareIdentifier: 'green', reservation: { vcpus: 0.5, memoryMiB: 64, gpus: 0 } } }),
          job('r4', 'RUNNABLE', 4000, { spec: { shareIdentifier: 'blue', schedulingPriority: 1 } }),
          job('x', 'RUNNABLE', 10, { spec: { jobQueueArn: OTHER_QUEUE_ARN } }),
          job('s', 'SUBMITTED', 10),
        ]);
        const fifo = await store.listRunnable({ queueArn: TEST_QUEUE_ARN, limit: 10 });
        assert.deepEqual(ids(fifo.map((r) => r.job)), ['r1', 'r2', 'r3', 'r4']);
        assert.deepEqual(fifo.map((r) => [r.vcpus, r.statusChangedAt]), [[1, 1000], [0.5, 1000], [1, 3000], [1, 4000]]);
        assert.deepEqual(ids((await store.listRunnable({ queueArn: TEST_QUEUE_ARN, limit: 2 })).map((r) => r.job)), ['r1', 'r2']);
        assert.deepEqual(ids((await store.listRunnable({ queueArn: TEST_QUEUE_ARN, shareIdentifier: 'blue', limit: 10 })).map((r) => r.job)), ['r3', 'r4', 'r1']);
        assert.deepEqual((await store.listRunnableShares(TEST_QUEUE_ARN)).sort(), ['blue', 'green']);
        assert.deepEqual(await store.listRunnableShares(OTHER_QUEUE_ARN), []);

        assert.equal(await store.countRunnableAhead(TEST_QUEUE_ARN, 'r4', 10), 3);
        assert.equal(await store.countRunnableAhead(TEST_QUEUE_ARN, 'r4', 2), 2);
        assert.equal(await store.countRunnableAhead(TEST_QUEUE_ARN, 'r2', 10), 1);
        assert.equal(await store.countRunnableAhead(TEST_QUEUE_ARN, 'r1', 10), 0);
        assert.equal(await store.countRunnableAhead(TEST_QUEUE_ARN, 'missing', 10), 0);

        const before = Date.now();
        await store.transitionJobs([
          { jobIds: ['r1', 'r2'], from: ['RUNNABLE'], to: 'STARTING', change: { computeEnvironmentArn: 'ce-a' } },
          { jobIds: ['x'], from: ['RUNNABLE'], to: 'STARTING', change: { computeEnvironmentArn: 'ce-b' } },
        ]);
        await store.transitionJobs([{ jobIds: ['r2'], from: ['STARTING'], to: 'RUNNING', change: {} }]);
        assert.deepEqual(await store.vcpusInUse(), new Map([['ce-a', 1.5], ['ce-b', 1]]));
        assert.deepEqual(await store.vcpusInUseByShare(TEST_QUEUE_ARN), new Map([['blue', 1], ['green', 0.5]]));
        assert.deepEqual(await store.vcpusInUseByShare(OTHER_QUEUE_ARN), new Map());

        // A job back in RUNNABLE has been waiting since its transition.
        await store.transitionJobs([{ jobIds: ['r1'], from: ['STARTING'], to: 'RUNNABLE', change: { computeEnvironmentArn: null } }]);
        const again = (await store.listRunnable({ queueArn: TEST_QUEUE_ARN, limit: 10 })).find((r) => r.job.jobId === 'r1')!;
        assert.ok(again.statusChangedAt >= before && again.statusChangedAt <= Date.now());
      }),
    );

    test(
      'shareUsageSince: vCPU-seconds of attempts inside the window',
      withStore(async (store) => {
        const two = { reservation: { vcpus: 2, memoryMiB: 64, gpus: 0 } };
        await store.insertJobs([
          job('done', 'SUCCEEDED', 0, { stoppedAt: 5000, spec: { shareIdentifier: 'blue', ...two }, attempts: [{ number: 1, container: {}, startedAt: 1000, stoppedAt: 5000 }] }),
          job('running', 'RUNNING', 0, { spec: { shareIdentifier: 'blue' }, attempts: [{ number: 1, container: {}, startedAt: 8000 }] }),
          job('retried', 'RUNNABLE', 0, {
            spec: { shareIdentifier: 'green' },
            attempts: [
              { number: 1, container: {}, startedAt: 500, stoppedAt: 1500 },
              { number: 2, container: {}, startedAt: 2500, stoppedAt: 3000 },
            ],
          }),
          job('old', 'FAILED', 0, { stoppedAt: 1500, spec: { shareIdentifier: 'green' }, attempts: [{ number: 1, container: {}, startedAt: 100, stoppedAt: 1500 }] }),
          job('none', 'RUNNING', 0, { attempts: [{ number: 1, container: {}, startedAt: 100 }] }),
        ]);
        // done: 2 × (5000 − 2000) = 6 s; running: 1 × (10000 − 8000) = 2 s; retried: 0.5 s of its second attempt only.
        assert.deepEqual(await store.shareUsageSince(TEST_QUEUE_ARN, 2000, 10_000), new Map([['blue', 8], ['green', 0.5]]));
        assert.deepEqual(await store.shareUsageSince(OTHER_QUEUE_ARN, 2000, 10_000), new Map());
      }),
    );

    test(
      'setJobTags',
      withStore(async (store) => {
        await store.insertJobs([job('a', 'SUBMITTED', 1)]);
        await store.setJobTags('a', { x: '1', y: 'ü' });
        await store.setJobTags('missing', { x: '1' });
        assert.deepEqual((await store.getJobs(['a']))[0]!.tags, { x: '1', y: 'ü' });
      }),
    );
  });
}

describe('PostgresStore specifics', () => {
  test('driver errors are wrapped, never raw: a closed pool', async () => {
    const db = new PostgresDatabase(await testDatabaseUrl());
    const store = await PostgresStore.open(db);
    await store.close();
    // The store leaves the shared pool open: it still answers.
    assert.deepEqual(await store.getJobs(['x']), []);
    await db.close();
    for (const call of [() => store.getJobs(['x']), () => store.insertJobs([job('a', 'SUBMITTED', 1)]), () => store.insertResource('job-queue', queue('q'))]) {
      await assert.rejects(call(), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.ok(!(error instanceof pg.DatabaseError));
        assert.match(error.message, /^PostgreSQL/);
        assert.ok(error.cause instanceof Error);
        return true;
      });
    }
  });

  test('a SQL error is wrapped with its cause', async () => {
    const db = new PostgresDatabase(await testDatabaseUrl());
    try {
      const store = await PostgresStore.open(db);
      await assert.rejects(store.listJobs({ scope: { kind: 'queue', jobQueueArn: TEST_QUEUE_ARN }, after: '["x", 1]', limit: 1 }), (error: unknown) => {
        assert.ok(error instanceof Error && !(error instanceof pg.DatabaseError));
        assert.ok(error.cause instanceof pg.DatabaseError);
        return true;
      });
    } finally {
      await db.close();
    }
  });

  test('opening twice (replicas starting together) migrates once', async () => {
    const url = await testDatabaseUrl();
    const dbs = [new PostgresDatabase(url), new PostgresDatabase(url)];
    try {
      const [a, b] = await Promise.all(dbs.map((db) => PostgresStore.open(db)));
      await a!.insertResource('job-queue', queue('q'));
      assert.equal((await b!.getResource('job-queue', 'q'))?.name, 'q');
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });
});
