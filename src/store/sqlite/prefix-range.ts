/**
 * Adds "column starts with prefix" as an index range `[prefix, end)`, where `end` is the least
 * string greater than every string that starts with `prefix`. SQLite compares TEXT bytewise
 * (UTF-8), which orders as code points do: bump the last code point, dropping trailing U+10FFFF
 * that cannot be bumped (then there is no upper bound).
 */
export function addPrefixRange(column: string, prefix: string, where: string[], params: unknown[]): void {
  where.push(`${column} >= ?`);
  params.push(prefix);
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      where.push(`${column} < ?`);
      params.push(points.join('') + String.fromCodePoint(next));
      return;
    }
  }
}
