import { FilterSyntaxError } from './filter-syntax.js';
import { type CharSet, isWordCode, type RegexAlternative } from './regex-subset.js';

/**
 * Matches the regular expressions of filter patterns in time linear in the message, whatever the
 * pattern: no backtracking. JavaScript's RegExp backtracks, so `%(a+)+$%` over five 31-character
 * lines held the event loop for 119 s (issue 11), and `%a*a*a*a*a*a*a*a*b%` is as bad without
 * parentheses. Two engines were measured and set aside. V8's linear engine (the `l` flag) took 40 s
 * over 1 MB for a 1,000-character literal and refuses counts as small as `[ab]{20}`. RE2 (the `re2`
 * package, a native build) is fast until its DFA overflows, then falls back to an NFA at ~35 ns per
 * state and character: `a.{20}c|b.{20}c` took 1.9 s over 1 MB of random a/b.
 *
 * AWS's subset has no groups (regex-subset.ts), so each alternative is a sequence of character
 * items, some optional or repeated, and zero-width assertions. That is the class bit-parallel
 * Shift-And handles directly (Navarro & Raffinot, "Flexible Pattern Matching in Strings", §4.3):
 * one bit per state, one pass over the message, a few word operations per character and 32 states.
 * States: each alternative's start, then one per character the item may consume (`x{2,4}` is two
 * mandatory and two optional states; `x*` one optional state that loops; `x+` one that loops) and
 * one per assertion. Bit i set after reading a character means some match of the alternative's
 * items up to state i ends there. A step shifts the bits into the states that accept the character,
 * keeps looping states that accept it, re-arms every start (a match may start anywhere), then lets
 * set bits flow through runs of optional states — and through assertions true at this offset,
 * which count as optional there and as walls elsewhere. The message matches as soon as the last
 * state of an alternative is set.
 *
 * MAX_STATES bounds the work per character at 16 words: 0.2–0.3 s over a 1 MB message at worst
 * on a 2-core machine, against ~10 ms for a pattern of up to 32 states. Messages are read as UTF-16
 * code units, as RegExp without the `u` flag reads them.
 */
export const MAX_STATES = 512;

export type Matcher = (text: string) => boolean;

export function compileLinearRegex(alternatives: RegexAlternative[]): Matcher {
  const literals = asLiterals(alternatives);
  if (literals) return (text) => literals.some((literal) => text.includes(literal));
  const size = alternatives.reduce((n, alternative) => n + 1 + alternative.reduce((m, item) => m + statesOf(item), 0), 0);
  if (size > MAX_STATES) {
    throw new FilterSyntaxError(
      `the regular expression is too large: it needs ${size} states and Barge matches at most ${MAX_STATES} ` +
        `(each character item counts once per repetition, so [a-z]{300} alone counts 300)`,
    );
  }
  const automaton = new Automaton(layout(alternatives));
  return automaton.words === 1 ? oneWordMatcher(automaton) : manyWordMatcher(automaton);
}

type Assertion = '^' | '$' | 'b' | 'B';

interface State {
  /** What the state consumes; none for starts and assertions. */
  set?: CharSet;
  optional: boolean;
  loops: boolean;
  assertion?: Assertion;
  start: boolean;
  final: boolean;
}

function statesOf(item: RegexAlternative[number]): number {
  if (item.kind === 'assert') return 1;
  if (item.max === Infinity) return Math.max(item.min, 1);
  return item.max;
}

function layout(alternatives: RegexAlternative[]): State[] {
  const states: State[] = [];
  const state = (fields: Partial<State>): State => ({ optional: false, loops: false, start: false, final: false, ...fields });
  for (const alternative of alternatives) {
    states.push(state({ start: true }));
    for (const item of alternative) {
      if (item.kind === 'assert') {
        states.push(state({ assertion: item.at }));
      } else if (item.max === Infinity) {
        if (item.min === 0) states.push(state({ set: item.set, optional: true, loops: true }));
        for (let k = 0; k < item.min; k += 1) states.push(state({ set: item.set, loops: k === item.min - 1 }));
      } else {
        for (let k = 0; k < item.max; k += 1) states.push(state({ set: item.set, optional: k >= item.min }));
      }
    }
    states[states.length - 1]!.final = true;
  }
  return states;
}

/** When every alternative is a plain string, a substring search does the same, faster. */
function asLiterals(alternatives: RegexAlternative[]): string[] | undefined {
  const literals: string[] = [];
  for (const alternative of alternatives) {
    let literal = '';
    for (const item of alternative) {
      if (item.kind !== 'chars' || item.min !== 1 || item.max !== 1) return undefined;
      const { set } = item;
      const code = set.ascii.indexOf(true);
      if (code === -1 || set.ascii.lastIndexOf(true) !== code || set.lineTerminator || set.space || set.other) return undefined;
      literal += String.fromCharCode(code);
    }
    literals.push(literal);
  }
  return literals;
}

/**
 * Which assertions hold at an offset, as a key into the closure masks: bit 0 at the start of the
 * message, bit 1 at its end, bit 2 at a word boundary.
 */
const AT_START = 1;
const AT_END = 2;
const AT_BOUNDARY = 4;
const KEYS = 8;

function holds(assertion: Assertion, key: number): boolean {
  switch (assertion) {
    case '^':
      return (key & AT_START) !== 0;
    case '$':
      return (key & AT_END) !== 0;
    case 'b':
      return (key & AT_BOUNDARY) !== 0;
    case 'B':
      return (key & AT_BOUNDARY) === 0;
  }
}

/** Code units above ASCII fall in three classes (CharSet): line terminators, other whitespace, the rest. */
function categoryOf(code: number): number {
  if (code === 0x2028 || code === 0x2029) return 0;
  if (code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff) return 1;
  return 2;
}

/** The masks of the automaton, `words` 32-bit words each; the closure masks come once per key. */
class Automaton {
  readonly words: number;
  /** State masks of each ASCII code, then of the three categories above ASCII. */
  readonly accepts: Int32Array;
  readonly loops: Int32Array;
  readonly starts: Int32Array;
  readonly finals: Int32Array;
  /** Per key: the optional states (A), the state before each run of them (I), the last of each run (F). */
  readonly optional: Int32Array;
  readonly runEntry: Int32Array;
  readonly runLast: Int32Array;
  readonly usesBoundary: boolean;

  constructor(states: State[]) {
    const words = Math.ceil(states.length / 32);
    this.words = words;
    this.accepts = new Int32Array((128 + 3) * words);
    this.loops = new Int32Array(words);
    this.starts = new Int32Array(words);
    this.finals = new Int32Array(words);
    this.optional = new Int32Array(KEYS * words);
    this.runEntry = new Int32Array(KEYS * words);
    this.runLast = new Int32Array(KEYS * words);
    const set = (mask: Int32Array, offset: number, bit: number) => {
      mask[offset + (bit >>> 5)]! |= 1 << (bit & 31);
    };
    states.forEach((state, bit) => {
      if (state.set) {
        for (let code = 0; code < 128; code += 1) if (state.set.ascii[code]) set(this.accepts, code * words, bit);
        if (state.set.lineTerminator) set(this.accepts, 128 * words, bit);
        if (state.set.space) set(this.accepts, 129 * words, bit);
        if (state.set.other) set(this.accepts, 130 * words, bit);
      }
      if (state.loops) set(this.loops, 0, bit);
      if (state.start) set(this.starts, 0, bit);
      if (state.final) set(this.finals, 0, bit);
    });
    for (let key = 0; key < KEYS; key += 1) {
      const skippable = (state: State) => state.optional || (state.assertion !== undefined && holds(state.assertion, key));
      for (let bit = 0; bit < states.length; bit += 1) {
        if (!skippable(states[bit]!)) continue;
        set(this.optional, key * words, bit);
        // A start is never skippable, so every run has a state before it in its own alternative.
        if (!skippable(states[bit - 1]!)) set(this.runEntry, key * words, bit - 1);
        if (bit + 1 === states.length || !skippable(states[bit + 1]!)) set(this.runLast, key * words, bit);
      }
    }
    this.usesBoundary = states.some((state) => state.assertion === 'b' || state.assertion === 'B');
  }

  /** The key of the offset before `text[i]` (i = text.length: the end). */
  keyAt(text: string, i: number): number {
    let key = (i === 0 ? AT_START : 0) | (i === text.length ? AT_END : 0);
    if (this.usesBoundary) {
      const before = i > 0 && isWordCode(text.charCodeAt(i - 1));
      const after = i < text.length && isWordCode(text.charCodeAt(i));
      if (before !== after) key |= AT_BOUNDARY;
    }
    return key;
  }
}

/*
 * The closure, for each run of optional states [s..e] with entry s−1: with Df = D | F (F has bit
 * e), Df − I (I has bit s−1) borrows from s−1 up to the lowest set bit of Df at or above it, and
 * nowhere else, since bit e stops it. The bits that subtraction leaves unchanged, ~((Df − I) ^ Df),
 * are those above that lowest set bit: exactly the optional states a set bit can flow into.
 */

function oneWordMatcher(automaton: Automaton): Matcher {
  const { accepts, optional, runEntry, runLast, usesBoundary } = automaton;
  const loops = automaton.loops[0]!;
  const starts = automaton.starts[0]!;
  const finals = automaton.finals[0]!;
  const close = (d: number, key: number) => {
    const df = d | runLast[key]!;
    return d | (optional[key]! & ~((df - runEntry[key]!) ^ df));
  };
  // The masks of an offset inside the message and away from a word boundary, hoisted for speed.
  const inside = optional[0]!;
  const insideEntry = runEntry[0]!;
  const insideLast = runLast[0]!;
  return (text) => {
    let d = close(starts, automaton.keyAt(text, 0));
    if (d & finals) return true;
    for (let i = 0; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      d = (((d << 1) | (d & loops)) & accepts[code < 128 ? code : 128 + categoryOf(code)]!) | starts;
      if (usesBoundary || i + 1 === text.length) {
        d = close(d, automaton.keyAt(text, i + 1));
      } else {
        const df = d | insideLast;
        d |= inside & ~((df - insideEntry) ^ df);
      }
      if (d & finals) return true;
    }
    return false;
  };
}

function manyWordMatcher(automaton: Automaton): Matcher {
  const { words, accepts, loops, starts, finals, optional, runEntry, runLast, usesBoundary } = automaton;
  const d = new Int32Array(words);
  return (text) => {
    d.set(starts);
    for (let i = 0; ; i += 1) {
      if (i > 0) {
        const code = text.charCodeAt(i - 1);
        const row = (code < 128 ? code : 128 + categoryOf(code)) * words;
        let carry = 0;
        for (let w = 0; w < words; w += 1) {
          const dw = d[w]!;
          d[w] = ((((dw << 1) | carry) | (dw & loops[w]!)) & accepts[row + w]!) | starts[w]!;
          carry = dw >>> 31;
        }
      }
      const masks = (i === 0 || i === text.length || usesBoundary ? automaton.keyAt(text, i) : 0) * words;
      let borrow = 0;
      let matched = 0;
      for (let w = 0; w < words; w += 1) {
        const df = d[w]! | runLast[masks + w]!;
        const difference = (df >>> 0) - (runEntry[masks + w]! >>> 0) - borrow;
        borrow = difference < 0 ? 1 : 0;
        const dw = d[w]! | (optional[masks + w]! & ~(difference ^ df));
        d[w] = dw;
        matched |= dw & finals[w]!;
      }
      if (matched) return true;
      if (i === text.length) return false;
    }
  };
}
