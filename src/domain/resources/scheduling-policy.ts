import type { JsonObject, Tags } from '../common.js';

export interface ShareAttributes {
  shareIdentifier: string;
  weightFactor?: number;
}

export interface FairsharePolicy {
  shareDecaySeconds?: number;
  computeReservation?: number;
  shareDistribution?: ShareAttributes[];
}

export interface SchedulingPolicy {
  name: string;
  arn: string;
  fairsharePolicy?: FairsharePolicy;
  quotaSharePolicy?: JsonObject;
  tags: Tags;
  createdAt: number;
  /** Name of the access key that created it. */
  createdBy?: string;
}

/**
 * Share identifiers in a distribution must not overlap: `UserA*` and `UserA1` together are
 * invalid (User Guide, fair-share policies). Returns a message for the first clash found.
 */
export function findShareOverlap(distribution: ShareAttributes[]): string | undefined {
  const seen = new Set<string>();
  for (const { shareIdentifier } of distribution) {
    if (seen.has(shareIdentifier)) return `shareIdentifier ${shareIdentifier} appears more than once`;
    seen.add(shareIdentifier);
  }
  for (const a of distribution) {
    if (!a.shareIdentifier.endsWith('*')) continue;
    const prefix = a.shareIdentifier.slice(0, -1);
    for (const b of distribution) {
      if (a === b) continue;
      if (b.shareIdentifier.startsWith(prefix)) {
        return `shareIdentifier ${b.shareIdentifier} overlaps with ${a.shareIdentifier}`;
      }
    }
  }
  return undefined;
}
