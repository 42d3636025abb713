import type { FairsharePolicy } from '../resources/scheduling-policy.js';

/** The minimum look-back window AWS uses when shareDecaySeconds is 0 (reference §9). */
export const MIN_SHARE_DECAY_SECONDS = 600;

export function decayWindowSeconds(policy: FairsharePolicy | undefined): number {
  const seconds = policy?.shareDecaySeconds ?? 0;
  return seconds > 0 ? Math.max(seconds, MIN_SHARE_DECAY_SECONDS) : MIN_SHARE_DECAY_SECONDS;
}

/**
 * Weight of a share: an exact entry wins, then the longest matching `prefix*` entry, else 1.0.
 * A lower weight gets more capacity (0.125 gets eight times what 1.0 gets).
 */
export function weightOf(policy: FairsharePolicy | undefined, shareIdentifier: string): number {
  let best: { length: number; weight: number } | undefined;
  for (const entry of policy?.shareDistribution ?? []) {
    const id = entry.shareIdentifier;
    const weight = entry.weightFactor ?? 1;
    if (id === shareIdentifier) return weight;
    if (id.endsWith('*') && shareIdentifier.startsWith(id.slice(0, -1)) && (!best || id.length > best.length)) {
      best = { length: id.length, weight };
    }
  }
  return best?.weight ?? 1;
}

export interface ShareState {
  shareIdentifier: string;
  /** vCPUs the share holds now (STARTING/RUNNING, plus what this pass placed). */
  runningVcpus: number;
  /** vCPU-seconds consumed within the decay window. */
  recentVcpuSeconds: number;
  weight: number;
}

/**
 * AWS's workable approximation (reference §9 [impl]): the next job comes from the share with
 * the lowest weighted usage, where usage is what the share holds now plus its recent
 * consumption spread over the decay window. Ties go to the share name, so the order is stable.
 */
export function shareScore(s: ShareState, windowSeconds: number): number {
  return (s.runningVcpus + s.recentVcpuSeconds / windowSeconds) * s.weight;
}

export function pickShare(shares: ShareState[], windowSeconds: number): ShareState | undefined {
  let best: ShareState | undefined;
  let bestScore = Infinity;
  for (const s of shares) {
    const score = shareScore(s, windowSeconds);
    if (score < bestScore || (score === bestScore && best && s.shareIdentifier < best.shareIdentifier)) {
      best = s;
      bestScore = score;
    }
  }
  return best;
}

/**
 * computeReservation keeps (computeReservation/100)^activeShares of an environment's
 * maximum free for shares that are not active yet (reference §9).
 */
export function reservedVcpus(policy: FairsharePolicy | undefined, maxVcpus: number, activeShares: number): number {
  const reservation = policy?.computeReservation ?? 0;
  if (reservation <= 0 || activeShares <= 0) return 0;
  return maxVcpus * Math.pow(reservation / 100, activeShares);
}
