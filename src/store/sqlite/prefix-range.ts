/**
 * Adds "column starts with prefix" as an index range `[prefix, end)`, where `end` is the least
 * string greater than every string that starts with `prefix` (prefixUpperBound).
 */
export function addPrefixRange(column: string, prefix: string, where: string[], params: unknown[]): void {
  where.push(`${column} >= ?`);
  params.push(prefix);
  const end = prefixUpperBound(prefix);
  if (end !== undefined) {
    where.push(`${column} < ?`);
    params.push(end);
  }
}

/**
 * The least string greater than every string that starts with `prefix`, for a bytewise (UTF-8)
 * comparison, which orders as code points do (SQLite's TEXT, PostgreSQL's COLLATE "C"): bump the
 * last code point, dropping trailing U+10FFFF that cannot be bumped. Undefined when there is no
 * such string (no upper bound).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}
