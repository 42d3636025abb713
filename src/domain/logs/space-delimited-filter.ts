import type { EventMatcher } from './filter-pattern.js';
import { bareValue, type ComparisonOp, compileComparison, FilterSyntaxError, readQuoted } from './filter-syntax.js';

/**
 * Space-delimited filter patterns (reference §4): `[ip, user, ts, request, status = 4*, size > 1000]`.
 * The message is split on runs of spaces, a `"quoted"` or `[bracketed]` group counting as one
 * field (without its delimiters). Each named field matches one message field and may carry one
 * condition; `...` matches any number of fields. Without `...` the field counts must be equal.
 * Not supported (refused): several conditions on one field joined with `&&` / `||`.
 */
export function compileSpaceDelimitedFilter(text: string): EventMatcher {
  if (!text.endsWith(']')) throw new FilterSyntaxError("a space-delimited pattern must end with ']'");
  const fields = splitItems(text.slice(1, -1)).map(parseField);
  return (message) => matches(fields, splitMessage(message));
}

/** undefined stands for `...`, ANY_FIELD for a name without a condition; a function tests one message field. */
type FieldTest = ((field: string) => boolean) | typeof ANY_FIELD | undefined;
const ANY_FIELD = 'any';

const CONDITION = /^([^\s=!<>]+)\s*(!=|<=|>=|=|<|>)\s*(.+)$/;

function splitItems(body: string): string[] {
  const items: string[] = [];
  let current = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === '"') {
      const [, next] = readQuoted(body, i);
      current += body.slice(i, next);
      i = next;
    } else if (c === ',') {
      items.push(current.trim());
      current = '';
      i += 1;
    } else {
      current += c;
      i += 1;
    }
  }
  items.push(current.trim());
  if (items.some((item) => item === '')) throw new FilterSyntaxError('empty field in a space-delimited pattern');
  return items;
}

function parseField(item: string): FieldTest {
  if (item === '...') return undefined;
  if (item.includes('&&') || item.includes('||')) {
    throw new FilterSyntaxError(`conditions joined with && or || inside [...] are not supported by Barge: ${item}`);
  }
  const match = CONDITION.exec(item);
  if (!match) {
    if (/^[A-Za-z0-9_$@.-]+$/.test(item)) return ANY_FIELD;
    throw new FilterSyntaxError(`cannot read field '${item}'`);
  }
  const raw = match[3]!.trim();
  let value;
  if (raw.startsWith('"')) {
    const [text, end] = readQuoted(raw, 0);
    if (end !== raw.length) throw new FilterSyntaxError(`unexpected text after the quoted value in '${item}'`);
    value = { kind: 'string' as const, text };
  } else {
    value = bareValue(raw);
  }
  const compare = compileComparison(match[2] as ComparisonOp, value);
  return (field) => compare(field);
}

function splitMessage(message: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i < message.length) {
    const c = message[i]!;
    if (c === ' ' || c === '\t') {
      i += 1;
      continue;
    }
    const close = c === '"' ? '"' : c === '[' ? ']' : undefined;
    const end = close ? message.indexOf(close, i + 1) : -1;
    if (close && end !== -1) {
      fields.push(message.slice(i + 1, end));
      i = end + 1;
    } else {
      const start = i;
      while (i < message.length && message[i] !== ' ' && message[i] !== '\t') i += 1;
      fields.push(message.slice(start, i));
    }
  }
  return fields;
}

/**
 * can[p][m]: pattern fields from p on match message fields from m on, one row per pattern field
 * in typed arrays, a field's condition tested only where the rest could still match. A 1 MB
 * message has up to 500,000 fields and a 1,024-character pattern up to ~300, so this is the one
 * filter whose cost is the product of the two: rows of names without a condition are a copy, but
 * rows of conditions true everywhere cost one test per field each (~2 s for 80 of them over 1 MB).
 */
function matches(pattern: FieldTest[], fields: string[]): boolean {
  const count = fields.length;
  let next = new Uint8Array(count + 1);
  let can = new Uint8Array(count + 1);
  next[count] = 1;
  for (let p = pattern.length - 1; p >= 0; p -= 1) {
    const test = pattern[p];
    let any = 0;
    if (test === undefined) {
      for (let m = count; m >= 0; m -= 1) {
        any |= next[m]!;
        can[m] = any;
      }
    } else if (test === ANY_FIELD) {
      can.set(next.subarray(1));
      can[count] = 0;
      any = can.includes(1) ? 1 : 0;
    } else {
      can[count] = 0;
      for (let m = count - 1; m >= 0; m -= 1) {
        const ok = next[m + 1] === 1 && test(fields[m]!) ? 1 : 0;
        can[m] = ok;
        any |= ok;
      }
    }
    if (any === 0) return false;
    [next, can] = [can, next];
  }
  return next[0] === 1;
}
