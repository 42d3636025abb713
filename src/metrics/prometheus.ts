import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Telemetry } from '../domain/telemetry.js';

/** Job counts per queue and status, read from the store when Prometheus scrapes. */
export type JobCounts = () => Promise<{ jobQueueName: string; status: string; count: number }[]>;

/** Latency buckets (seconds) for calls that take from well under a millisecond to seconds. */
const CALL_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** How long job counts read for one scrape serve the next ones. */
const JOB_COUNTS_FRESH_MS = 5_000;
/** Submission to container start: sub-second when capacity is free, minutes or hours when jobs queue. */
const WAIT_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400, 86_400];

/**
 * Barge's Prometheus metrics (prom-client), served at /metrics by every replica. Names and labels
 * are documented in README (Metrics). The domain reports through `Telemetry`; the HTTP edge
 * through `requestServed`; store and engine calls through `instrument`.
 */
export class PrometheusMetrics implements Telemetry {
  readonly registry = new Registry();
  private readonly requests: Counter<'service' | 'operation' | 'status'>;
  private readonly requestSeconds: Histogram<'service' | 'operation'>;
  private readonly submitToStart: Histogram<'queue'>;
  private readonly passSeconds: Histogram;
  private readonly leader: Gauge;
  private readonly leaderTerm: Gauge;
  private readonly callSeconds: Histogram<'component' | 'method'>;
  private readonly callErrors: Counter<'component' | 'method'>;

  constructor(jobCounts: JobCounts) {
    const registers = [this.registry];
    // Counting every job walks an index of all of them: however often anyone scrapes, at most
    // once per JOB_COUNTS_FRESH_MS (scrapes in between get the last counts).
    let counted: { at: number; rows: Promise<Awaited<ReturnType<JobCounts>>> } | undefined;
    const countsNow = () => {
      const now = Date.now();
      if (!counted || now - counted.at >= JOB_COUNTS_FRESH_MS) counted = { at: now, rows: jobCounts() };
      return counted.rows;
    };
    collectDefaultMetrics({ register: this.registry, prefix: 'barge_' });
    this.requests = new Counter({
      name: 'barge_api_requests_total',
      help: 'API requests answered, by service (batch, logs), operation and HTTP status',
      labelNames: ['service', 'operation', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'barge_api_request_duration_seconds',
      help: 'Time from a request arriving to its answer being written, by service and operation',
      labelNames: ['service', 'operation'],
      buckets: CALL_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'barge_jobs',
      help: 'Jobs stored, by job queue and status (array children included), read from the store at most every 5 s',
      labelNames: ['queue', 'status'],
      registers,
      async collect() {
        this.reset();
        for (const row of await countsNow()) this.set({ queue: row.jobQueueName, status: row.status }, row.count);
      },
    });
    this.submitToStart = new Histogram({
      name: 'barge_job_submit_to_start_seconds',
      help: 'Time from SubmitJob to the attempt\'s container running, by job queue',
      labelNames: ['queue'],
      buckets: WAIT_BUCKETS,
      registers,
    });
    this.passSeconds = new Histogram({
      name: 'barge_scheduler_pass_duration_seconds',
      help: 'Duration of one scheduling pass (dependencies resolved, jobs placed)',
      buckets: CALL_BUCKETS,
      registers,
    });
    this.leader = new Gauge({ name: 'barge_leader', help: '1 while this process is the leader (schedules and runs jobs), else 0', registers });
    this.leaderTerm = new Gauge({ name: 'barge_leader_term', help: 'The leadership term this process last held or saw', registers });
    this.callSeconds = new Histogram({
      name: 'barge_backend_call_duration_seconds',
      help: 'Duration of calls to the store (component store, log-store) and the container engine (component engine), by method',
      labelNames: ['component', 'method'],
      buckets: CALL_BUCKETS,
      registers,
    });
    this.callErrors = new Counter({
      name: 'barge_backend_call_errors_total',
      help: 'Calls to the store and the container engine that failed, by component and method',
      labelNames: ['component', 'method'],
      registers,
    });
  }

  requestServed(service: string, operation: string, status: number, seconds: number): void {
    this.requests.inc({ service, operation, status: String(status) });
    this.requestSeconds.observe({ service, operation }, seconds);
  }

  schedulerPass(seconds: number): void {
    this.passSeconds.observe(seconds);
  }

  attemptStarted(jobQueueName: string, submitToStartSeconds: number): void {
    this.submitToStart.observe({ queue: jobQueueName }, submitToStartSeconds);
  }

  leadership(isLeader: boolean, term: number): void {
    this.leader.set(isLeader ? 1 : 0);
    this.leaderTerm.set(term);
  }

  /**
   * `target` with every method that returns a promise timed (and its failures counted) under
   * `component`. Other members pass through untouched.
   */
  instrument<T extends object>(component: string, target: T): T {
    const wrapped = new Map<PropertyKey, unknown>();
    const metrics = this;
    return new Proxy(target, {
      get(object, property, receiver) {
        const value: unknown = Reflect.get(object, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
        let timed = wrapped.get(property);
        if (timed === undefined) {
          const labels = { component, method: property };
          const method = value as (...args: unknown[]) => unknown;
          timed = function (this: unknown, ...args: unknown[]): unknown {
            const started = performance.now();
            const result = method.apply(object, args);
            if (!(result instanceof Promise)) return result;
            return result.then(
              (resolved: unknown) => {
                metrics.callSeconds.observe(labels, (performance.now() - started) / 1000);
                return resolved;
              },
              (error: unknown) => {
                metrics.callSeconds.observe(labels, (performance.now() - started) / 1000);
                metrics.callErrors.inc(labels);
                throw error;
              },
            );
          };
          wrapped.set(property, timed);
        }
        return timed;
      },
    });
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
