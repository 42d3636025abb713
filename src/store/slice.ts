import type { Slice } from '../domain/common.js';

/**
 * A page of `limit` items from rows read with `LIMIT limit + 1`: the extra row only tells that
 * there is more, and the cursor is the position of the last item kept.
 */
export function sliceOf<R, T>(rows: R[], limit: number, map: (r: R) => T, cursorOf: (r: R) => string): Slice<T> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const slice: Slice<T> = { items: page.map(map) };
  if (more) slice.cursor = cursorOf(page[page.length - 1]!);
  return slice;
}
