/**
 * What the domain reports for whoever runs Barge (Prometheus metrics at /metrics). The domain
 * only says what happened; the adapter decides names, labels and buckets.
 */
export interface Telemetry {
  /** One scheduling pass ended (dependencies resolved, jobs placed), in seconds. */
  schedulerPass(seconds: number): void;
  /** An attempt's container started: seconds from the job's submission to its RUNNING. */
  attemptStarted(jobQueueName: string, submitToStartSeconds: number): void;
}

export const NO_TELEMETRY: Telemetry = {
  schedulerPass: () => undefined,
  attemptStarted: () => undefined,
};
