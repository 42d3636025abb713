import { FilterSyntaxError } from './filter-syntax.js';

/**
 * CloudWatch Logs' regular expressions, the `%…%` filter patterns
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/regex-expressions.html). AWS allows
 * only letters, digits, the symbols `: _ # = @ / ; , -` and the operators `^ $ ? [ ] { } | \ * + .`;
 * `(` and `)` are not supported (no sub-patterns) and neither are multi-byte characters. Barge
 * also takes a literal space, which the list does not name but patterns like `%ERROR [0-9]{3}%`
 * need. Without sub-patterns an expression is a list of alternatives, each a sequence of single
 * characters, classes, `.` and anchors, each character item with at most one repetition — which
 * is what lets linear-regex.ts match it without backtracking.
 *
 * parseRegexFilter checks that subset and refuses, with a message naming the problem and its
 * offset, anything outside it or anything dialects read differently (`[]a]`, `{,5}`, a `}` or `]`
 * closing nothing). Meanings follow JavaScript's RegExp without flags, which Barge used before.
 */
export type RegexAlternative = RegexItem[];

export type RegexItem =
  | { kind: 'chars'; set: CharSet; min: number; max: number }
  /** Zero-width: `^` start of message, `$` end of message, `b` word boundary, `B` not one. */
  | { kind: 'assert'; at: '^' | '$' | 'b' | 'B' };

/**
 * A set of UTF-16 code units: each ASCII one by itself; the rest, which a pattern cannot name
 * (multi-byte characters are refused), only by the classes that take them in: `.`, `\s`, negations.
 */
export interface CharSet {
  ascii: boolean[];
  /** U+2028 and U+2029: whitespace, and line terminators that `.` does not match. */
  lineTerminator: boolean;
  /** JavaScript's other whitespace above ASCII (U+00A0, U+3000, …): matched by `\s` and `.`. */
  space: boolean;
  /** Every other code unit above ASCII: matched by `.` and negations. */
  other: boolean;
}

export function parseRegexFilter(source: string): RegexAlternative[] {
  checkCharacters(source);
  return new Parser(source).parse();
}

/** Counts above this are refused (RE2's limit too); the size of the whole automaton is checked later. */
export const MAX_REPEAT = 1000;

const SYMBOLS = ':_#=@/;,-';
const OPERATORS = '^$?[]{}|\\*+.';
const ALPHANUMERIC = /^[A-Za-z0-9]$/;
const REPEAT = /^\{ *(\d+) *(?:(,) *(\d*) *)?\}/;
const CONTROL_ESCAPES: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };

function checkCharacters(source: string): void {
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i]!;
    if (c.charCodeAt(0) > 0x7f) throw new FilterSyntaxError(`multi-byte characters are not supported in a regular expression (offset ${i})`);
    if (c === '(' || c === ')') {
      throw new FilterSyntaxError(`'${c}' at offset ${i} is not supported: CloudWatch Logs regular expressions have no sub-patterns`);
    }
    if (!ALPHANUMERIC.test(c) && c !== ' ' && !SYMBOLS.includes(c) && !OPERATORS.includes(c)) {
      throw new FilterSyntaxError(
        `${JSON.stringify(c)} at offset ${i} is not supported in a regular expression: only letters, digits, spaces, ` +
          `the symbols : _ # = @ / ; , - and the operators ^ $ ? [ ] { } | \\ * + . are`,
      );
    }
  }
}

class Parser {
  private at = 0;
  private readonly alternatives: RegexAlternative[] = [[]];
  /** Whether the last item may take a repetition: a single character item not repeated yet. */
  private repeatable = false;

  constructor(private readonly source: string) {}

  parse(): RegexAlternative[] {
    const s = this.source;
    while (this.at < s.length) {
      const c = s[this.at]!;
      if (c === '|') {
        this.alternatives.push([]);
        this.repeatable = false;
        this.at += 1;
      } else if (c === '^' || c === '$') {
        this.push({ kind: 'assert', at: c });
        this.at += 1;
      } else if (c === '*' || c === '+' || c === '?') {
        this.repeat(c === '+' ? 1 : 0, c === '?' ? 1 : Infinity, 1);
      } else if (c === '{') {
        const match = REPEAT.exec(s.slice(this.at));
        if (!match) throw new FilterSyntaxError(`'{' at offset ${this.at} must start a repetition such as {3}, {3,} or {3,5}`);
        const min = Number(match[1]);
        const max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
        if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) {
          throw new FilterSyntaxError(`repetition counts above ${MAX_REPEAT} are not supported (offset ${this.at})`);
        }
        if (max < min) throw new FilterSyntaxError(`the repetition at offset ${this.at} has its bounds reversed`);
        this.repeat(min, max, match[0].length);
      } else if (c === '}' || c === ']') {
        throw new FilterSyntaxError(`'${c}' at offset ${this.at} closes nothing; write \\${c} for the character itself`);
      } else if (c === '[') {
        this.push({ kind: 'chars', set: this.charClass(), min: 1, max: 1 });
      } else if (c === '\\') {
        this.escape();
      } else {
        this.push({ kind: 'chars', set: c === '.' ? DOT : single(c.charCodeAt(0)), min: 1, max: 1 });
        this.at += 1;
      }
    }
    return this.alternatives;
  }

  private push(item: RegexItem): void {
    this.alternatives[this.alternatives.length - 1]!.push(item);
    this.repeatable = item.kind === 'chars';
  }

  /** Applies a repetition of `length` source characters to the last item, with the lazy `?` that may follow. */
  private repeat(min: number, max: number, length: number): void {
    const items = this.alternatives[this.alternatives.length - 1]!;
    const last = items[items.length - 1];
    if (!this.repeatable || last?.kind !== 'chars') {
      throw new FilterSyntaxError(`nothing to repeat before '${this.source[this.at]}' at offset ${this.at}`);
    }
    last.min = min;
    last.max = max;
    this.at += length;
    // A lazy repetition (`a*?`) matches the same messages as a greedy one.
    if (this.source[this.at] === '?') this.at += 1;
    this.repeatable = false;
  }

  private escape(): void {
    const offset = this.at;
    const next = this.source[this.at + 1];
    if (next === undefined) throw new FilterSyntaxError('the regular expression ends with a lone backslash');
    this.at += 2;
    if (next === 'b' || next === 'B') {
      this.push({ kind: 'assert', at: next });
    } else {
      this.push({ kind: 'chars', set: escapedSet(next, offset), min: 1, max: 1 });
    }
  }

  private charClass(): CharSet {
    const s = this.source;
    const start = this.at;
    this.at += 1;
    const negated = s[this.at] === '^';
    if (negated) this.at += 1;
    const set = emptySet();
    let items = 0;
    for (;;) {
      const c = s[this.at];
      if (c === undefined) throw new FilterSyntaxError(`the character class at offset ${start} has no closing ']'`);
      if (c === ']') {
        if (items === 0) throw new FilterSyntaxError(`the character class at offset ${start} is empty`);
        this.at += 1;
        return negated ? complement(set) : set;
      }
      const low = this.classItem(start);
      if (s[this.at] === '-' && s[this.at + 1] !== undefined && s[this.at + 1] !== ']') {
        this.at += 1;
        const high = this.classItem(start);
        if (typeof low !== 'number' || typeof high !== 'number') {
          throw new FilterSyntaxError(`a range in the character class at offset ${start} needs a single character at each end`);
        }
        if (low > high) throw new FilterSyntaxError(`the range ${String.fromCharCode(low)}-${String.fromCharCode(high)} in the character class at offset ${start} is out of order`);
        for (let code = low; code <= high; code += 1) set.ascii[code] = true;
      } else {
        addTo(set, typeof low === 'number' ? single(low) : low);
      }
      items += 1;
    }
  }

  /** One character (its code) or class escape (its set) inside `[…]`. */
  private classItem(classStart: number): number | CharSet {
    const c = this.source[this.at]!;
    if (c === '[') {
      throw new FilterSyntaxError(`'[' at offset ${this.at} inside the character class at offset ${classStart}; write \\[ for the character itself`);
    }
    if (c !== '\\') {
      this.at += 1;
      return c.charCodeAt(0);
    }
    const offset = this.at;
    const next = this.source[this.at + 1];
    if (next === undefined) throw new FilterSyntaxError('the regular expression ends with a lone backslash');
    this.at += 2;
    if (next === 'b' || next === 'B') throw new FilterSyntaxError(`\\${next} at offset ${offset} is not supported inside a character class`);
    return CLASS_ESCAPES[next] ?? escapedSet(next, offset).ascii.indexOf(true);
  }
}

/** What `\x` stands for, `x` not being b or B. */
function escapedSet(next: string, offset: number): CharSet {
  const named = CLASS_ESCAPES[next];
  if (named) return named;
  const control = CONTROL_ESCAPES[next];
  if (control !== undefined) return single(control);
  if (/[0-9]/.test(next)) throw new FilterSyntaxError(`\\${next} at offset ${offset}: back-references are not supported`);
  if (ALPHANUMERIC.test(next)) {
    throw new FilterSyntaxError(`\\${next} at offset ${offset} is not a supported escape (use \\d \\D \\w \\W \\s \\S \\b \\B \\t \\n \\r \\f \\v or a backslash before a symbol)`);
  }
  return single(next.charCodeAt(0));
}

// ---- character sets ----

function emptySet(): CharSet {
  return { ascii: new Array<boolean>(128).fill(false), lineTerminator: false, space: false, other: false };
}

function single(code: number): CharSet {
  const set = emptySet();
  set.ascii[code] = true;
  return set;
}

function setOf(codes: (code: number) => boolean, nonAscii: Omit<CharSet, 'ascii'>): CharSet {
  return { ascii: Array.from({ length: 128 }, (_, code) => codes(code)), ...nonAscii };
}

function complement(set: CharSet): CharSet {
  return { ascii: set.ascii.map((member) => !member), lineTerminator: !set.lineTerminator, space: !set.space, other: !set.other };
}

function addTo(set: CharSet, more: CharSet): void {
  more.ascii.forEach((member, code) => {
    if (member) set.ascii[code] = true;
  });
  set.lineTerminator ||= more.lineTerminator;
  set.space ||= more.space;
  set.other ||= more.other;
}

const isDigit = (code: number) => code >= 48 && code <= 57;
export const isWordCode = (code: number) => isDigit(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
const isSpace = (code: number) => (code >= 9 && code <= 13) || code === 32;
const NONE = { lineTerminator: false, space: false, other: false };
const SPACES = { lineTerminator: true, space: true, other: false };

const DIGITS = setOf(isDigit, NONE);
const WORD = setOf(isWordCode, NONE);
const SPACE = setOf(isSpace, SPACES);
/** `.`: anything but a line terminator (\n, \r, U+2028, U+2029). */
const DOT = setOf((code) => code !== 10 && code !== 13, { lineTerminator: false, space: true, other: true });
const CLASS_ESCAPES: Record<string, CharSet> = {
  d: DIGITS,
  D: complement(DIGITS),
  w: WORD,
  W: complement(WORD),
  s: SPACE,
  S: complement(SPACE),
};
