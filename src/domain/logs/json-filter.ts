import type { EventMatcher } from './filter-pattern.js';
import { bareValue, type ComparisonOp, compileComparison, FilterSyntaxError, readQuoted } from './filter-syntax.js';

/**
 * JSON filter patterns (reference §4): `{ $.level = "error" }`, `{ $.latency > 100 }`,
 * `{ ($.a = 1) && ($.b != "x") || $.c IS NULL }`, `{ $.y NOT EXISTS }`, paths like `$.a.b[0]`.
 * `&&` binds tighter than `||`. An event whose message is not a JSON object or array never matches.
 */
export function compileJsonFilter(text: string): EventMatcher {
  const parser = new Parser(lex(text));
  parser.expect('{');
  const test = parser.or();
  parser.expect('}');
  parser.end();
  return (message) => {
    let document: unknown;
    try {
      document = JSON.parse(message);
    } catch {
      return false;
    }
    return typeof document === 'object' && document !== null && test(document);
  };
}

type Path = (string | number)[];
type Token =
  | { kind: 'punct'; text: '{' | '}' | '(' | ')' | '&&' | '||' }
  | { kind: 'op'; text: ComparisonOp }
  | { kind: 'selector'; text: string; path: Path }
  | { kind: 'string'; text: string }
  | { kind: 'word'; text: string };
type Test = (document: unknown) => boolean;

const OPERATORS: readonly ComparisonOp[] = ['!=', '<=', '>=', '=', '<', '>'];
const WORD_END = /[\s{}()=!<>&|"]/;
const PATH_END = /[\s.[\]{}()=!<>&|"]/;

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const two = text.slice(i, i + 2);
    if (/\s/.test(c)) {
      i += 1;
    } else if (two === '&&' || two === '||') {
      tokens.push({ kind: 'punct', text: two });
      i += 2;
    } else if (c === '{' || c === '}' || c === '(' || c === ')') {
      tokens.push({ kind: 'punct', text: c });
      i += 1;
    } else if (OPERATORS.some((op) => text.startsWith(op, i))) {
      const op = OPERATORS.find((o) => text.startsWith(o, i))!;
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    } else if (c === '$') {
      const start = i;
      const path: Path = [];
      i += 1;
      while (text[i] === '.' || text[i] === '[') {
        if (text[i] === '.') {
          const from = ++i;
          while (i < text.length && !PATH_END.test(text[i]!)) i += 1;
          if (i === from) throw new FilterSyntaxError(`empty property name in selector at offset ${from}`);
          path.push(text.slice(from, i));
        } else {
          const index = /^\[(\d+)\]/.exec(text.slice(i));
          if (!index) throw new FilterSyntaxError(`bad array index in selector at offset ${i}`);
          path.push(Number(index[1]));
          i += index[0].length;
        }
      }
      tokens.push({ kind: 'selector', text: text.slice(start, i), path });
    } else if (c === '"') {
      const [value, next] = readQuoted(text, i);
      tokens.push({ kind: 'string', text: value });
      i = next;
    } else {
      const start = i;
      while (i < text.length && !WORD_END.test(text[i]!)) i += 1;
      if (i === start) throw new FilterSyntaxError(`unexpected '${c}' at offset ${i}`);
      tokens.push({ kind: 'word', text: text.slice(start, i) });
    }
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private next(what: string): Token {
    const token = this.tokens[this.at++];
    if (!token) throw new FilterSyntaxError(`expected ${what} but the pattern ended`);
    return token;
  }

  expect(punct: '{' | '}' | '(' | ')'): void {
    const token = this.next(`'${punct}'`);
    if (token.kind !== 'punct' || token.text !== punct) throw new FilterSyntaxError(`expected '${punct}' but found '${token.text}'`);
  }

  end(): void {
    const extra = this.peek();
    if (extra) throw new FilterSyntaxError(`unexpected '${extra.text}' after the closing '}'`);
  }

  or(): Test {
    let left = this.and();
    while (this.isPunct('||')) {
      this.at += 1;
      const [a, b] = [left, this.and()];
      left = (d) => a(d) || b(d);
    }
    return left;
  }

  private and(): Test {
    let left = this.unary();
    while (this.isPunct('&&')) {
      this.at += 1;
      const [a, b] = [left, this.unary()];
      left = (d) => a(d) && b(d);
    }
    return left;
  }

  private unary(): Test {
    if (this.isPunct('(')) {
      this.at += 1;
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    return this.condition();
  }

  private condition(): Test {
    const selector = this.next('a selector such as $.field');
    if (selector.kind !== 'selector') throw new FilterSyntaxError(`expected a selector such as $.field but found '${selector.text}'`);
    const get = (d: unknown) => resolve(d, selector.path);
    const token = this.next(`an operator after ${selector.text}`);
    if (token.kind === 'op') {
      const value = this.next(`a value after ${selector.text} ${token.text}`);
      if (value.kind !== 'string' && value.kind !== 'word') throw new FilterSyntaxError(`expected a value but found '${value.text}'`);
      const compare = compileComparison(token.text, value.kind === 'string' ? { kind: 'string', text: value.text } : bareValue(value.text));
      return (d) => compare(get(d));
    }
    const keyword = token.kind === 'word' ? token.text.toUpperCase() : '';
    if (keyword === 'IS') {
      const what = this.next('NULL, TRUE or FALSE').text.toUpperCase();
      if (what === 'NULL') return (d) => get(d) === null;
      if (what === 'TRUE') return (d) => get(d) === true;
      if (what === 'FALSE') return (d) => get(d) === false;
      throw new FilterSyntaxError(`expected NULL, TRUE or FALSE after IS but found '${what}'`);
    }
    if (keyword === 'NOT') {
      if (this.next('EXISTS').text.toUpperCase() !== 'EXISTS') throw new FilterSyntaxError('expected EXISTS after NOT');
      return (d) => get(d) === undefined;
    }
    if (keyword === 'EXISTS') return (d) => get(d) !== undefined;
    throw new FilterSyntaxError(`expected an operator after ${selector.text} but found '${token.text}'`);
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token?.kind === 'punct' && token.text === text;
  }
}

function resolve(document: unknown, path: Path): unknown {
  let node = document;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[step];
    } else {
      if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
      if (!Object.hasOwn(node, step)) return undefined;
      node = (node as Record<string, unknown>)[step];
    }
  }
  return node;
}
