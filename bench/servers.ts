import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import { makeClient } from './client.js';

/** The compiled server entry point (this file runs as dist/bench/servers.js). */
const BARGE_MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../src/main.js');

export interface ServerHandle {
  name: string;
  url: string;
  pid: number;
  dataDir?: string;
  /** Resident set size now and its peak so far (VmRSS, VmHWM of /proc/<pid>/status), MiB. */
  memory(): Memory;
  /** CPU time (user + system, all threads) the server process has used so far, in ms. */
  cpuMs(): number;
  /** SIGTERM, then SIGKILL after a grace period; removes the temp dir. */
  stop(): Promise<void>;
}

/** Every server started and not yet stopped, whoever started it, so an abort can stop them all. */
const live = new Set<ServerHandle>();

/** Stops every server still running (used when a run is interrupted or times out). */
export function stopEveryServer(): Promise<PromiseSettledResult<void>[]> {
  return Promise.allSettled([...live].map((server) => server.stop()));
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => res(port));
    });
  });
}

export interface Memory {
  rssMiB: number;
  peakMiB: number;
}

export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
    if (!match) throw new Error(`no ${name} in /proc/${pid}/status`);
    return Number(match[1]) / 1024;
  };
  return { rssMiB: field('VmRSS'), peakMiB: field('VmHWM') };
}

/** utime + stime of /proc/<pid>/stat, whose clock ticks are 1/100 s on Linux (USER_HZ). */
export function cpuMsOf(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the line.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** `nodeArgs` go to the server's node (e.g. --cpu-prof); the data dir is a fresh temp dir. */
export async function startBarge(nodeArgs: string[], dataDirParent: string = tmpdir(), bargeArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServerHandle> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(dataDirParent, 'barge-bench-'));
  const child = spawn(process.execPath, [...nodeArgs, BARGE_MAIN, '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn', ...bargeArgs], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  try {
    return await ready('Barge', child, `http://127.0.0.1:${port}`, { dataDir, processGroup: false, cleanup });
  } catch (error) {
    cleanup();
    throw error;
  }
}

export async function startMoto(command: string): Promise<ServerHandle> {
  const port = await freePort();
  // moto logs a line per request; a file keeps that chatter from costing this process CPU.
  const logDir = mkdtempSync(join(tmpdir(), 'moto-bench-'));
  const logFile = join(logDir, 'moto.log');
  const log = openSync(logFile, 'w');
  // Own process group: moto_server may be a pyenv shim, and stop() must reach the python under it.
  const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  const cleanup = () => rmSync(logDir, { recursive: true, force: true });
  try {
    return await ready('moto', child, `http://127.0.0.1:${port}`, { processGroup: true, cleanup });
  } catch (error) {
    const tail = readFileSync(logFile, 'utf8').slice(-4000);
    cleanup();
    throw new Error(`${(error as Error).message}\n${tail}`);
  }
}

interface ReadyOptions {
  dataDir?: string;
  /** Signal the child's whole process group (it was spawned detached). */
  processGroup: boolean;
  /** Run by stop(); when start-up fails the caller cleans up instead (it may want the logs first). */
  cleanup: () => void;
}

async function ready(name: string, child: ChildProcess, url: string, options: ReadyOptions): Promise<ServerHandle> {
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  let alive = true;
  void exited.then(() => (alive = false));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} did not spawn`);
  const signal = (sig: NodeJS.Signals) => {
    if (!alive) return;
    try {
      if (options.processGroup) process.kill(-pid, sig);
      else child.kill(sig);
    } catch {
      // Already gone.
    }
  };
  const handle: ServerHandle = {
    name,
    url,
    pid,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    memory: () => memoryOf(pid),
    cpuMs: () => cpuMsOf(pid),
    async stop() {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      live.delete(handle);
      options.cleanup();
    },
  };
  const client = makeClient(url);
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (!alive) throw new Error(`${name} exited before accepting connections`);
      try {
        await client.send(new DescribeJobQueuesCommand({}));
        live.add(handle);
        return handle;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`${name} not ready after 60s: ${(error as Error).message}`);
        await new Promise((res) => setTimeout(res, 200));
      }
    }
  } catch (error) {
    signal('SIGKILL');
    await exited;
    throw error;
  } finally {
    client.destroy();
  }
}
