import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BatchClient } from '@aws-sdk/client-batch';
import { batchClient } from './clients.js';
import { removeContainersWithLabelValue } from './docker.js';
import { testDatabaseUrl } from './test-database.js';

/** The compiled server entry point (tests run from dist/test/...). */
export const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/main.js');

export interface BargeProcess {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** Log lines (parsed JSON) the server printed so far. */
  logs: Record<string, unknown>[];
  /** What the server wrote to stderr so far (a crash's stack, for instance). */
  stderr(): string;
  /** SIGTERM (or SIGINT) and wait for exit; resolves with the exit code. */
  stop(signal?: 'SIGTERM' | 'SIGINT'): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Keep the data directory after stop (for restart tests). */
  keepDataDir?: boolean;
  /**
   * A command that runs Barge, e.g. `['prlimit', '--nofile=300:300']`. It must exec Barge in
   * its own process, so the process the helper knows (its pid, signals) is Barge's.
   */
  commandPrefix?: string[];
}

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'barge-test-'));
}

/**
 * With BARGE_TEST_STORE=postgres (test/run.ts runs the end-to-end files a second time so),
 * each data directory gets a database of its own in the run's PostgreSQL cluster: a Barge
 * started again on the same data directory (a restart test) finds its state again.
 */
const databases = new Map<string, Promise<string>>();
function databaseFor(dataDir: string): Promise<string> {
  let url = databases.get(dataDir);
  if (!url) {
    url = testDatabaseUrl();
    databases.set(dataDir, url);
  }
  return url;
}

/** Starts a real Barge process on a free loopback port and waits until it listens. */
export async function startBarge(options: StartOptions = {}): Promise<BargeProcess> {
  const dataDir = options.dataDir ?? makeDataDir();
  const onPostgres = process.env['BARGE_TEST_STORE'] === 'postgres' && options.env?.['BARGE_DATABASE_URL'] === undefined;
  const storeEnv = onPostgres ? { BARGE_DATABASE_URL: await databaseFor(dataDir) } : {};
  const command = [...(options.commandPrefix ?? []), process.execPath, MAIN, '--port', '0', '--data-dir', dataDir, '--log-level', 'info', ...(options.args ?? [])];
  const child = spawn(command[0]!, command.slice(1), {
    env: { ...process.env, ...storeEnv, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`Barge did not start within 20s: ${stderr}`)), 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry['msg'] === 'Barge listening') {
        clearTimeout(timer);
        res(String(entry['url']));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`Barge exited with ${code} before listening: ${stderr}`));
    });
  });
  // Jobs still running when Barge stops keep their containers for its next start on this data
  // directory; a data directory this helper made and now deletes gets no next start.
  const instance = logs.find((entry) => entry['msg'] === 'Barge listening')?.['instance'];
  const cleanup = () => {
    if (options.keepDataDir || options.dataDir) return;
    if (typeof instance === 'string') removeContainersWithLabelValue('barge.instance', instance);
    rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    process: child,
    logs,
    stderr: () => stderr,
    async stop(signal: 'SIGTERM' | 'SIGINT' = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      cleanup();
      return code;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A Barge process and an SDK client for one test file, started before its tests and stopped after. */
export interface BargeFixture {
  readonly barge: BargeProcess;
  readonly client: BatchClient;
}

/** Registers before/after hooks that start a Barge (with `options`) and stop it; call inside describe(). */
export function useBarge(options: StartOptions = {}): BargeFixture {
  let barge: BargeProcess | undefined;
  let client: BatchClient | undefined;
  before(async () => {
    barge = await startBarge(options);
    client = batchClient(barge.url);
  });
  after(async () => {
    client?.destroy();
    await barge?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the Barge fixture is used before its before() hook ran');
    return value;
  };
  return {
    get barge() {
      return started(barge);
    },
    get client() {
      return started(client);
    },
  };
}
