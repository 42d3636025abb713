import type { Tags } from './common.js';
import { InvalidInputError } from './errors.js';

export const MAX_TAGS = 50;

/**
 * The tag Barge shows on every job it runs: the name of the access key that submitted it. It is
 * not stored with the job's own tags, so it never counts toward the 50 and cannot be changed.
 */
export const CREATED_BY_TAG = 'barge:createdBy';

/** Tag keys nobody may set: `aws:` (AWS-wide rule) and `barge:` (tags Barge itself shows). */
const RESERVED_PREFIXES = ['aws:', 'barge:'];

/** AWS-wide tag rules the model does not carry: reserved key prefixes, 50 tags at most. */
export function checkTags(tags: Tags | undefined, where = 'tags'): void {
  if (!tags) return;
  const keys = Object.keys(tags);
  if (keys.length > MAX_TAGS) throw new InvalidInputError(`${where}: at most ${MAX_TAGS} tags are allowed, got ${keys.length}`);
  for (const key of keys) checkTagKey(key, where);
}

export function checkTagKey(key: string, where = 'tagKeys'): void {
  const prefix = RESERVED_PREFIXES.find((p) => key.toLowerCase().startsWith(p));
  if (prefix) throw new InvalidInputError(`${where}: tag keys starting with "${prefix}" are reserved (${key})`);
}

/** A job's tags as shown: its own, plus who submitted it. */
export function withCreatorTag(tags: Tags, createdBy: string | undefined): Tags {
  return createdBy === undefined ? tags : { ...tags, [CREATED_BY_TAG]: createdBy };
}

export function mergeTags(current: Tags, added: Tags): Tags {
  const merged = { ...current, ...added };
  checkTags(merged);
  return merged;
}

export function removeTags(current: Tags, keys: string[]): Tags {
  const out = { ...current };
  for (const k of keys) delete out[k];
  return out;
}
