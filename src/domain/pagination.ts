import type { Page, Slice } from './common.js';
import { InvalidInputError } from './errors.js';

/**
 * nextToken values are opaque to clients: base64url of the operation they belong to and the
 * store's cursor. A token from another operation, or one a client made up, is refused.
 */
export function encodeToken(scope: string, cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  return Buffer.from(JSON.stringify([scope, cursor]), 'utf8').toString('base64url');
}

export function decodeToken(scope: string, token: string | undefined): string | undefined {
  if (token === undefined || token === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== scope || typeof parsed[1] !== 'string') {
    throw new InvalidInputError(`nextToken is not a token this operation issued: ${token}`);
  }
  return parsed[1];
}

export function toPage<T, U>(scope: string, slice: Slice<T>, map: (item: T) => U): Page<U> {
  const page: Page<U> = { items: slice.items.map(map) };
  const nextToken = encodeToken(scope, slice.cursor);
  if (nextToken !== undefined) page.nextToken = nextToken;
  return page;
}
