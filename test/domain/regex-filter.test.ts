import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError } from '../../src/domain/errors.js';
import { compileFilterPattern } from '../../src/domain/logs/filter-pattern.js';
import { MAX_STATES } from '../../src/domain/logs/linear-regex.js';

/**
 * `%regex%` filter patterns (issue 11): AWS's subset, checked and refused with a reason, and
 * matched without backtracking, which the differential test below holds to RegExp's meaning.
 */

const refused: [string, RegExp][] = [
  ['(a+)+$', /'\(' at offset 0 is not supported: CloudWatch Logs regular expressions have no sub-patterns/],
  ['(.*)*', /no sub-patterns/],
  ['a)', /'\)' at offset 1/],
  ['something!', /"!" at offset 9 is not supported/],
  ['a%b', /"%" at offset 1/],
  ['caf\u00e9', /multi-byte characters are not supported/],
  ['tab\there', /"\\t" at offset 3/],
  ['a**', /nothing to repeat before '\*' at offset 2/],
  ['a+*', /nothing to repeat/],
  ['a{2}{3}', /nothing to repeat/],
  ['*a', /nothing to repeat before '\*' at offset 0/],
  ['a|*b', /nothing to repeat/],
  ['^*', /nothing to repeat/],
  ['\\b+', /nothing to repeat/],
  ['a{,5}', /'\{' at offset 1 must start a repetition/],
  ['a{x}', /must start a repetition/],
  ['a{5,3}', /bounds reversed/],
  ['a{1001}', /repetition counts above 1000/],
  ['a}', /'\}' at offset 1 closes nothing/],
  ['a]', /'\]' at offset 1 closes nothing/],
  ['[]a]', /the character class at offset 0 is empty/],
  ['[abc', /has no closing '\]'/],
  ['[a[b]', /'\[' at offset 2 inside the character class/],
  ['[z-a]', /out of order/],
  ['[a-\\d]', /single character at each end/],
  ['[\\b]', /not supported inside a character class/],
  ['(a)\\1', /no sub-patterns/],
  ['a\\1', /back-references are not supported/],
  ['\\kx', /\\k at offset 0 is not a supported escape/],
  ['\\p{L}', /\\p at offset 0 is not a supported escape/],
  ['\\x41', /\\x at offset 0/],
  ['a\\', /ends with a lone backslash/],
  ['[a-z]{300}[a-z]{300}', new RegExp(`needs 601 states and Barge matches at most ${MAX_STATES}`)],
  ['.{1000}', /too large/],
];

test('patterns outside AWS regex subset are refused with the reason', () => {
  for (const [source, reason] of refused) {
    assert.throws(
      () => compileFilterPattern(`%${source}%`),
      (error: unknown) => error instanceof InvalidInputError && /^Invalid filter pattern: /.test(error.message) && reason.test(error.message),
      `%${source}% should be refused with ${reason}`,
    );
  }
});

/** pattern, message, match? — the forms AWS documents, and what Barge reads the same way. */
const matches: [string, string, boolean][] = [
  ['AUTHORIZED', '[SUCCESS 200] AUTHORIZED REQUEST', true],
  ['AUTHORIZED', '[SUCCESS 200] authorized', false],
  ['\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}', 'from 10.0.12.7 port 22', true],
  ['\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}', 'from 10.0.12 port 22', false],
  ['[Ee]rror|[Ff]ail', 'request failed', true],
  ['[Ee]rror|[Ff]ail', 'all good', false],
  ['^[hc]at', 'hat trick', true],
  ['^[hc]at', 'that', false],
  ['[hc]at$', 'a cat', true],
  ['[hc]at$', 'cats', false],
  ['colou?r', 'color', true],
  ['colou?r', 'colour', true],
  ['colou?r', 'colouur', false],
  ['a{3,5}', 'baaab', true],
  ['^a{3,5}$', 'aaaaaa', false],
  ['^a{3,5}$', 'aaaa', true],
  ['^a{3, 5}$', 'aaaa', true],
  ['^a{2,}$', 'aaaaaaaa', true],
  ['gra|ey', 'grey', true],
  ['ab*c', 'ac', true],
  ['ab+c', 'ac', false],
  ['a.c', 'a-c', true],
  ['a.c', 'a\nc', false],
  ['10\\.10\\.0\\.1', 'host 10.10.0.1 up', true],
  ['10\\.10\\.0\\.1', 'host 10x10x0x1 up', false],
  ['ERROR [0-9]{3}', 'ERROR 503 upstream', true],
  ['ERROR [0-9]{3}', 'ERROR 5 upstream', false],
  ['user=[a-z_]+;id:#[0-9]+', 'user=bob_1;id:#42', false],
  ['user=[a-z_]+;id:#[0-9]+', 'user=bob_;id:#42', true],
  ['@/;,-', 'x@/;,-y', true],
  ['\\bfail\\b', 'a fail.', true],
  ['\\bfail\\b', 'failed', false],
  ['\\Bail', 'fail', true],
  ['[^0-9]', '12345', false],
  ['[^0-9]', '123x5', true],
  ['\\s', 'no\u00a0break', true],
  ['\\S', ' \t ', false],
  ['.', '\u2028', false],
  ['[\\^\\]\\-]', 'a]b', true],
  ['[a-]', 'x-y', true],
  ['a*?b', 'aab', true],
  ['', 'anything', true],
  ['a|', 'zzz', true],
];

test('AWS regex subset matches as documented', () => {
  for (const [source, message, expected] of matches) {
    assert.equal(compileFilterPattern(`%${source}%`)(message), expected, `%${source}% on ${JSON.stringify(message)}`);
  }
});

/** A small deterministic PRNG, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

test('matches what RegExp matches, over thousands of random patterns and messages', () => {
  const next = random(11);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const atoms = ['a', 'b', '_', '1', ' ', ':', '-', '.', '\\.', '\\-', '[ab]', '[^a]', '[a-c1]', '[-a]', '[\\s1]', '\\d', '\\D', '\\w', '\\W', '\\s', '\\S'];
  const repeats = ['', '', '', '*', '+', '?', '{2}', '{0,2}', '{1,}', '{1,3}', '*?', '{0}'];
  const asserts = ['^', '$', '\\b', '\\B'];
  const alphabet = ['a', 'a', 'b', 'b', '_', '1', ' ', ':', '-', '.', '\n', '\u00e9', '\u00a0', '\u2028', 'c'];
  let cases = 0;
  for (let p = 0; p < 1500; p += 1) {
    const alternatives = Array.from({ length: 1 + Math.floor(next() * 3) }, () =>
      Array.from({ length: Math.floor(next() * 6) }, () => (next() < 0.15 ? pick(asserts) : pick(atoms) + pick(repeats))).join(''),
    );
    const source = alternatives.join('|');
    const ours = compileFilterPattern(`%${source}%`);
    const reference = new RegExp(source);
    for (let m = 0; m < 40; m += 1) {
      const message = Array.from({ length: Math.floor(next() * 12) }, () => pick(alphabet)).join('');
      assert.equal(ours(message), reference.test(message), `%${source}% on ${JSON.stringify(message)}`);
      cases += 1;
    }
  }
  assert.equal(cases, 60_000);
});

test('matches what RegExp matches with automata of several words (over 32 states)', () => {
  const next = random(29);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const pieces = ['a', 'b', '[ab]', '.', 'a*', 'b+', '[ab]{30,40}', 'a{33}', 'b{0,35}', '[ab]{31,}', '^', '$', '\\b', 'b?'];
  for (let p = 0; p < 300; p += 1) {
    const source = Array.from({ length: 1 + Math.floor(next() * 2) }, () =>
      Array.from({ length: 2 + Math.floor(next() * 4) }, () => pick(pieces)).join(''),
    ).join('|');
    const ours = compileFilterPattern(`%${source}%`);
    const reference = new RegExp(source);
    for (let m = 0; m < 20; m += 1) {
      const message = Array.from({ length: Math.floor(next() * 90) }, () => pick(['a', 'a', 'b', ' '])).join('');
      assert.equal(ours(message), reference.test(message), `%${source}% on ${JSON.stringify(message)}`);
    }
  }
});

test('patterns that make RegExp backtrack for ever take milliseconds', (t) => {
  const long = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  const cases: [string, string, boolean][] = [
    ['a*a*a*a*a*a*a*a*b', long('a', 1_000_000), false],
    ['a*a*a*a*a*a*a*a*b', `${long('a', 100_000)}b`, true],
    ['\\s*\\s*\\s*\\s*\\s*x$', `${long(' ', 1_000_000)}y`, false],
    ['\\s*\\s*\\s*\\s*\\s*x$', `${long(' ', 1_000_000)}x`, true],
    ['.*.*.*.*.*.*.*.*.*.*=', long('x', 1_000_000), false],
    ['a.{20}c|b.{20}c', long('ab', 1_000_000), false],
    ['[ab]*a[ab]{100}c', long('abba', 1_000_000), false],
    [`${'a*'.repeat(500)}b`, long('a', 1_000_000), false],
    [`${'[a-z]{100}'.repeat(5)}9`, long('a', 1_000_000), false],
    ['x{1,100}y{1,100}z{1,100}w', long('xyz', 1_000_000), false],
  ];
  for (const [source, message, expected] of cases) {
    const match = compileFilterPattern(`%${source}%`);
    const started = performance.now();
    assert.equal(match(message), expected, source);
    const ms = performance.now() - started;
    t.diagnostic(`%${source.slice(0, 30)}%: ${Math.round(ms)} ms over ${message.length} characters`);
    // Linear: ~10–300 ms per MB here; RegExp does not finish these at all.
    assert.ok(ms < 3_000, `%${source.slice(0, 40)}% took ${Math.round(ms)} ms over ${message.length} characters`);
  }
});
