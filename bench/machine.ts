import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import type { BenchConfig } from './config.js';
import { fmt } from './report.js';
import type { ServerHandle } from './servers.js';

/** What the figures depend on: hardware, software versions, disk, load, and how to rerun. */
export function describeMachine(config: BenchConfig, barge: ServerHandle, moto: ServerHandle | undefined): string[] {
  const cpu = cpus();
  const overrides = Object.entries(process.env)
    .filter(([k]) => k.startsWith('BENCH_'))
    .map(([k, v = '']) => `${k}=${/^[\w.,:/=-]*$/.test(v) ? v : `'${v}'`}`);
  return [
    `Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM, Linux ${release()}`,
    `Node ${process.version}; moto ${moto ? motoVersion(moto.pid) : 'skipped (BENCH_MOTO=0)'}`,
    `Barge data dir on ${barge.dataDir ? filesystemOf(barge.dataDir) : 'unknown'} (BENCH_DATA_DIR moves it)`,
    `Reproduce: ${[...overrides, 'npm run bench'].join(' ')}  (in the repository root)`,
    `Sizes: ${fmt(config.submitJobs)} jobs per SubmitJob run after ${config.warmupSeconds} s of untimed SubmitJob with 1 client and ${config.warmupSeconds} s with all; ${config.clients} concurrent clients; ` +
      `Barge filled by ${config.fillClients} clients to ${fmt(config.jobs)} jobs, moto by ${config.clients} to ${fmt(config.motoJobs)} or for at most ` +
      `${config.motoFillSeconds} s; wire clients (SigV4, keep-alive) fill and run the targets; SDK rows use AWS SDK v3 BatchClients (keep-alive, maxAttempts 1); DescribeJobs uses one SDK client`,
  ];
}

export interface MachineCpu {
  /** user + nice + system time of all processes on all cores, ms. */
  processMs: number;
  /** Time the hypervisor gave this VM's cores to someone else, ms. */
  stealMs: number;
}

/**
 * Machine-wide CPU counters from /proc/stat (USER_HZ = 100). Interrupt time is left out: most of it
 * is the loopback traffic of the benchmark itself, and the kernel does not charge it to a process.
 */
export function machineCpu(): MachineCpu {
  const [user = 0, nice = 0, system = 0, , , , , steal = 0] = (/^cpu\s+(.*)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? '')
    .split(/\s+/)
    .map(Number);
  return { processMs: (user + nice + system) * 10, stealMs: steal * 10 };
}

function motoVersion(pid: number): string {
  try {
    // The python that actually runs moto_server, not whichever python3 is first on PATH.
    const python = readlinkSync(`/proc/${pid}/exe`);
    const out = spawnSync(python, ['-c', 'import moto; print(moto.__version__)'], { encoding: 'utf8', timeout: 20_000 });
    return out.stdout.trim() || 'unknown version';
  } catch {
    return 'unknown version';
  }
}

/** The filesystem type and device of the mount that holds `path` (longest matching mount point). */
function filesystemOf(path: string): string {
  let best = { point: '', text: 'unknown filesystem' };
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
    const [device, point, type] = line.split(' ');
    if (!device || !point || !type) continue;
    const inside = path === point || path.startsWith(point.endsWith('/') ? point : `${point}/`);
    if (inside && point.length >= best.point.length) best = { point, text: `${type} (${device} at ${point})` };
  }
  return best.text;
}
