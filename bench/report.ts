/** Plain-text tables and number formatting for the benchmark summary. */

export type Verdict = 'PASS' | 'FAIL' | 'n/a';

/** Columns whose index is in `right` are right-aligned (numbers). */
export function table(headers: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    widths
      .map((w, c) => (right.has(c) ? (r[c] ?? '').padStart(w) : (r[c] ?? '').padEnd(w)))
      .join(' | ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n');
}

export function verdict(ok: boolean | undefined): Verdict {
  return ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL';
}

export function fmt(value: number | undefined, digits = 0): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function times(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '-' : `${value.toFixed(1)}×`;
}

/** `text` as a "- " list item, wrapped at `width` columns with a two-space hanging indent. */
export function bullet(text: string, width: number): string {
  const lines: string[] = [];
  let line = '-';
  for (const word of text.split(' ')) {
    if (line.length + 1 + word.length > width && line.trim() !== '-') {
      lines.push(line);
      line = ' ';
    }
    line += ` ${word}`;
  }
  return [...lines, line].join('\n');
}
