import { performance } from 'node:perf_hooks';

export interface RunResult {
  /** Operations completed. */
  count: number;
  seconds: number;
  perSecond: number;
}

/**
 * Runs `total` operations from `workers` callers, each issuing its next operation as soon as
 * the previous one finished (closed loop). Operation i gets worker index and sequence number.
 * Stops early, keeping what completed, once `deadline` (epoch ms) has passed.
 */
export async function runClosedLoop(
  total: number,
  workers: number,
  op: (worker: number, seq: number) => Promise<void>,
  deadline = Number.POSITIVE_INFINITY,
): Promise<RunResult> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (next < total && Date.now() < deadline) {
        const seq = next++;
        await op(worker, seq);
        done++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { count: done, seconds, perSecond: done / seconds };
}

export interface Latencies {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

/** Times `samples` sequential calls of `op` (milliseconds), after `warmup` untimed ones. */
export async function measureLatency(samples: number, warmup: number, op: (i: number) => Promise<void>): Promise<Latencies> {
  for (let i = 0; i < warmup; i++) await op(i);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await op(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { samples, p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1] ?? Number.NaN };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** `k` distinct random elements of `items`: a partial Fisher–Yates shuffle over a sparse map of swapped indices. */
export function sample<T>(items: readonly T[], k: number): T[] {
  const picked = new Map<number, number>();
  const out: T[] = [];
  for (let i = 0; i < Math.min(k, items.length); i++) {
    const j = i + Math.floor(Math.random() * (items.length - i));
    const at = picked.get(j) ?? j;
    picked.set(j, picked.get(i) ?? i);
    out.push(items[at]!);
  }
  return out;
}
