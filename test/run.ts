/**
 * `npm test`: every test file once on the embedded SQLite store, and the files that run Barge
 * end to end once more on PostgreSQL, in one `node --test` run (one summary of every test).
 *
 * A file runs on PostgreSQL through a wrapper in dist/test-postgres/ (made here, never
 * committed) that sets BARGE_TEST_STORE=postgres and imports it: startBarge (helpers/server.ts)
 * then gives each Barge a fresh database of the run's private PostgreSQL cluster
 * (global-setup.ts) instead of a data directory.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEST_ROOT = dirname(fileURLToPath(import.meta.url));
const WRAPPERS = resolve(TEST_ROOT, '..', 'test-postgres');

/** Directories whose files also run on PostgreSQL. */
const ON_BOTH_STORES = ['e2e', 'protocol/batch', 'protocol/logs'];
/**
 * Files about the SQLite files themselves (their locks, a full disk under the data directory,
 * writing into barge.db or logs.db behind Barge's back, descriptor limits around its files),
 * and the time-limit file, which moves Barge's clock with libfaketime: on PostgreSQL Barge reads
 * the database's clock (a skewed replica changes nothing, test/cluster/clock-skew.test.ts).
 */
const SQLITE_ONLY = new Set([
  'e2e/time-limit-actions.test.js',
  'e2e/disk-full.test.js',
  'e2e/descriptor-exhaustion.test.js',
  'e2e/recording-failure.test.js',
  'protocol/batch/durability.test.js',
  'protocol/logs/job-output.test.js',
  'protocol/batch/cli-smoke.test.js',
  'protocol/logs/cli-smoke.test.js',
]);

function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith('.test.js') ? [path] : [];
    })
    .sort();
}

const files = testFiles(TEST_ROOT);
rmSync(WRAPPERS, { recursive: true, force: true });
const wrappers: string[] = [];
for (const file of files) {
  const rel = relative(TEST_ROOT, file);
  if (!ON_BOTH_STORES.some((d) => rel.startsWith(`${d}/`)) || SQLITE_ONLY.has(rel)) continue;
  const wrapper = join(WRAPPERS, rel);
  mkdirSync(dirname(wrapper), { recursive: true });
  writeFileSync(wrapper, `process.env.BARGE_TEST_STORE = 'postgres';\nawait import(${JSON.stringify(file)});\n`);
  wrappers.push(wrapper);
}

const child = spawn(
  process.execPath,
  ['--test', '--test-concurrency=1', `--test-global-setup=${join(TEST_ROOT, 'global-setup.js')}`, ...process.argv.slice(2), ...files, ...wrappers],
  { stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
