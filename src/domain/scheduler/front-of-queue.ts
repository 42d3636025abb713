import type { RunnableJob } from '../ports.js';
import { capacityVcpus } from '../resources/compute-environment.js';
import type { JobQueue } from '../resources/job-queue.js';
import { loadQueueJobs, type QueueJobsSource } from './queue-jobs.js';
import { dispatchOrder } from './queue-order.js';

/** GetJobQueueSnapshot lists the first 100 RUNNABLE jobs (reference §9). */
export const FRONT_OF_QUEUE_SIZE = 100;

/**
 * The first RUNNABLE jobs of a queue in the order the scheduler will dispatch them: FIFO by
 * submission, or fair share by weighted share usage and, inside a share, scheduling priority.
 * Computed when asked rather than kept from the last pass: a pass loads no jobs of a queue
 * that cannot dispatch and only the first of one whose environments are full.
 */
export async function frontOfQueue(source: QueueJobsSource, queue: JobQueue): Promise<RunnableJob[]> {
  const loaded = await loadQueueJobs(source, queue, FRONT_OF_QUEUE_SIZE);
  let largest = 0;
  for (const { computeEnvironment } of queue.computeEnvironmentOrder) {
    const name = source.arns.nameOf('compute-environment', computeEnvironment);
    const ce = name ? await source.store.getResource('compute-environment', name) : undefined;
    if (ce) largest = Math.max(largest, capacityVcpus(ce));
  }
  return dispatchOrder(loaded, FRONT_OF_QUEUE_SIZE, (j) => j.vcpus <= largest);
}
