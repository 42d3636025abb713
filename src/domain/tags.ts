import type { Tags } from './common.js';
import { InvalidInputError } from './errors.js';

export const MAX_TAGS = 50;

/** AWS-wide tag rules the model does not carry: keys starting `aws:` are reserved, 50 at most. */
export function checkTags(tags: Tags | undefined, where = 'tags'): void {
  if (!tags) return;
  const keys = Object.keys(tags);
  if (keys.length > MAX_TAGS) throw new InvalidInputError(`${where}: at most ${MAX_TAGS} tags are allowed, got ${keys.length}`);
  for (const key of keys) {
    if (key.toLowerCase().startsWith('aws:')) {
      throw new InvalidInputError(`${where}: tag keys starting with "aws:" are reserved (${key})`);
    }
  }
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
