/**
 * Pieces shared by the filter pattern compilers (reference §4): quoted strings, values and the
 * comparisons JSON and space-delimited patterns apply to a field.
 */

/** A parse failure in a filter pattern; compileFilterPattern turns it into InvalidInputError. */
export class FilterSyntaxError extends Error {}

export type ComparisonOp = '=' | '!=' | '<' | '>' | '<=' | '>=';

export type FilterValue = { kind: 'string'; text: string } | { kind: 'number'; value: number };

const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Reads a double-quoted string starting at `text[start] === '"'`; returns it and the offset after it. */
export function readQuoted(text: string, start: number): [string, number] {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      out += text[i + 1];
      i += 2;
    } else if (c === '"') {
      return [out, i + 1];
    } else {
      out += c;
      i += 1;
    }
  }
  throw new FilterSyntaxError(`unterminated quoted string at offset ${start}`);
}

/** An unquoted value is a number when it reads as one, a string otherwise (`UpdateTrail`, `4*`). */
export function bareValue(text: string): FilterValue {
  return NUMBER.test(text) ? { kind: 'number', value: Number(text) } : { kind: 'string', text };
}

/**
 * Strings compare with `=` / `!=` and may use `*` as a wildcard over the whole field; numbers
 * compare with all six operators. A field that is missing, an object, or not a number where a
 * number is expected never matches, whatever the operator.
 */
export function compileComparison(op: ComparisonOp, value: FilterValue): (field: unknown) => boolean {
  if (value.kind === 'string') {
    if (op !== '=' && op !== '!=') throw new FilterSyntaxError(`operator ${op} needs a number, not "${value.text}"`);
    const glob = globMatcher(value.text);
    return (field) => {
      if (typeof field !== 'string' && typeof field !== 'number' && typeof field !== 'boolean') return false;
      return glob(String(field)) === (op === '=');
    };
  }
  const expected = value.value;
  return (field) => {
    const actual = typeof field === 'number' ? field : typeof field === 'string' && NUMBER.test(field) ? Number(field) : undefined;
    if (actual === undefined) return false;
    switch (op) {
      case '=':
        return actual === expected;
      case '!=':
        return actual !== expected;
      case '<':
        return actual < expected;
      case '>':
        return actual > expected;
      case '<=':
        return actual <= expected;
      case '>=':
        return actual >= expected;
    }
  };
}

/**
 * `*` matches any run of characters (none included) and nothing else is special. Each piece between
 * two stars goes at its leftmost place after the previous one, which finds a match whenever there
 * is one, in time linear in the field for each piece. (The RegExp `^a.*b.*c$` this replaces
 * backtracks polynomially: ten stars over a long field never finish.)
 */
export function globMatcher(glob: string): (text: string) => boolean {
  const pieces = glob.split('*');
  if (pieces.length === 1) return (text) => text === glob;
  const head = pieces[0]!;
  const tail = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1).filter((piece) => piece !== '');
  return (text) => {
    if (text.length < head.length + tail.length || !text.startsWith(head) || !text.endsWith(tail)) return false;
    const end = text.length - tail.length;
    let at = head.length;
    for (const piece of middle) {
      const found = text.indexOf(piece, at);
      if (found === -1 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  };
}
