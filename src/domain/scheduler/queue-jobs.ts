import type { Arns } from '../arn.js';
import type { Clock, Store } from '../ports.js';
import type { JobQueue } from '../resources/job-queue.js';
import { decayWindowSeconds, weightOf } from './fair-share.js';
import type { QueueJobs } from './queue-order.js';

export interface QueueJobsSource {
  store: Store;
  arns: Arns;
  clock: Clock;
}

/**
 * Loads what ordering a queue needs: for a FIFO queue its first `limit` RUNNABLE jobs; for a
 * fair-share queue the usage of each share with RUNNABLE jobs and its first `limit` of them.
 */
export async function loadQueueJobs(source: QueueJobsSource, queue: JobQueue, limit: number): Promise<QueueJobs> {
  const { store, arns, clock } = source;
  if (!queue.schedulingPolicyArn) {
    return { fifo: limit > 0 ? await store.listRunnable({ queueArn: queue.arn, limit }) : [] };
  }
  const policyName = arns.nameOf('scheduling-policy', queue.schedulingPolicyArn);
  const policy = policyName ? (await store.getResource('scheduling-policy', policyName))?.fairsharePolicy : undefined;
  const now = clock.now();
  const window = decayWindowSeconds(policy);
  const running = await store.vcpusInUseByShare(queue.arn);
  const recent = await store.shareUsageSince(queue.arn, now - window * 1000, now);
  const shares = [];
  for (const shareIdentifier of await store.listRunnableShares(queue.arn)) {
    shares.push({
      state: { shareIdentifier, runningVcpus: running.get(shareIdentifier) ?? 0, recentVcpuSeconds: recent.get(shareIdentifier) ?? 0, weight: weightOf(policy, shareIdentifier) },
      jobs: limit > 0 ? await store.listRunnable({ queueArn: queue.arn, shareIdentifier, limit }) : [],
    });
  }
  return { fairShare: { policy, shares } };
}
