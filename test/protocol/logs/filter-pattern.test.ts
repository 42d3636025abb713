import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError } from '../../../src/domain/errors.js';
import { compileFilterPattern } from '../../../src/domain/logs/filter-pattern.js';

/** The filter pattern forms of cloudwatch-logs-api.md §4 as a table: pattern, message, match? */
const CASES: [string, string, boolean][] = [
  ['', 'anything', true],
  ['ERROR', '[ERROR] disk full', true],
  ['ERROR', 'error: lower case', false],
  ['ERROR Exception', 'ERROR: NullPointerException', true],
  ['ERROR Exception', 'ERROR: all good', false],
  ['"Job failed"', 'Job failed: exit 1', true],
  ['"Job failed"', 'Job has failed', false],
  ['"say \\"hi\\""', 'they say "hi"', true],
  ['?ERROR ?WARN', 'WARN slow', true],
  ['?ERROR ?WARN', 'INFO fine', false],
  ['ERROR -Retrying', 'ERROR giving up', true],
  ['ERROR -Retrying', 'ERROR Retrying in 5s', false],
  ['-DEBUG', 'INFO x', true],
  ['ERROR ?disk ?net', 'ERROR net down', true],
  ['ERROR ?disk ?net', 'ERROR cpu hot', false],
  ['{ $.level = "error" }', '{"level":"error"}', true],
  ['{ $.level = "error" }', '{"level":"info"}', false],
  ['{ $.level = "error" }', 'not json', false],
  ['{ $.level = error }', '{"level":"error"}', true],
  ['{ $.msg = "*timeout*" }', '{"msg":"read timeout after 5s"}', true],
  ['{ $.msg != "*timeout*" }', '{"msg":"ok"}', true],
  ['{ $.msg = "*a*b*" }', '{"msg":"xaxbx"}', true],
  ['{ $.msg = "*a*b*" }', '{"msg":"xbxax"}', false],
  ['{ $.msg = "a*a" }', '{"msg":"a"}', false],
  ['{ $.msg = "a*a" }', '{"msg":"aa"}', true],
  ['{ $.msg = "a**b" }', '{"msg":"ab"}', true],
  ['{ $.msg = "*" }', '{"msg":""}', true],
  ['{ $.latency > 100 }', '{"latency":250}', true],
  ['{ $.latency > 100 }', '{"latency":50}', false],
  ['{ $.latency <= 50 }', '{"latency":50}', true],
  ['{ $.latency > 100 }', '{"latency":"slow"}', false],
  ['{ $.a.b[1] = 7 }', '{"a":{"b":[5,7]}}', true],
  ['{ ($.a = 1) && ($.b != "x") }', '{"a":1,"b":"y"}', true],
  ['{ ($.a = 1) && ($.b != "x") }', '{"a":1,"b":"x"}', false],
  ['{ $.a = 2 || $.b = 3 && $.c = 4 }', '{"a":2}', true],
  ['{ $.a = 2 || $.b = 3 && $.c = 4 }', '{"b":3,"c":5}', false],
  ['{ $.x IS NULL }', '{"x":null}', true],
  ['{ $.x IS NULL }', '{}', false],
  ['{ $.y NOT EXISTS }', '{"x":1}', true],
  ['{ $.y NOT EXISTS }', '{"y":null}', false],
  ['{ $.ok IS TRUE }', '{"ok":true}', true],
  ['{ $.ok IS FALSE }', '{"ok":true}', false],
  ['[ip, user, status = 4*, size > 1000]', '10.0.0.1 bob 404 2048', true],
  ['[ip, user, status = 4*, size > 1000]', '10.0.0.1 bob 200 2048', false],
  ['[ip, user, status = 4*, size > 1000]', '10.0.0.1 bob 404', false],
  ['[..., status = 500]', 'GET /x "Mozilla 5" 500', true],
  ['[..., status = 500]', 'GET /x 500 done', false],
  ['[ip, ..., size > 10]', '1.2.3.4 a b c 11', true],
  ['[method, path, ua = "Mozilla 5", code]', 'GET /x "Mozilla 5" 500', true],
  ['[ts, msg]', '[10/Oct/2000:13:55:36 -0700] hello', true],
  ['[a, b = "x*y*z"]', 'q xAyBz', true],
  ['[a, b = "x*y*z"]', 'q xAzBy', false],
  ['%ERROR [0-9]{3}%', 'ERROR 503 upstream', true],
  ['%ERROR [0-9]{3}%', 'ERROR 5 upstream', false],
];

test('filter patterns match as the reference describes', () => {
  for (const [pattern, message, expected] of CASES) {
    assert.equal(compileFilterPattern(pattern)(message), expected, `${JSON.stringify(pattern)} on ${JSON.stringify(message)}`);
  }
});

test('patterns that do not parse are refused, never treated as match-all', () => {
  const bad = ['{ $.a = ', '{ $.a = 1', '{ a = 1 }', '{ $.a > "x" }', '{ $.a IS MAYBE }', '"open', 'a"b', '%(%', '[a, , b]', '[a b', '[a = 1 && a = 2]', '{ $.a = 1 } extra'];
  for (const pattern of bad) assert.throws(() => compileFilterPattern(pattern), InvalidInputError, pattern);
});

test('wildcards and long field lists stay fast over a 1 MB message', () => {
  const cases: [string, string, boolean][] = [
    // As a RegExp (^.*a.*a…b$) this backtracks polynomially and does not finish.
    [`{ $.msg = "${'*a'.repeat(30)}*b" }`, JSON.stringify({ msg: 'a'.repeat(1_000_000) }), false],
    [`[${'f, '.repeat(300)}...]`, 'a '.repeat(500_000), true],
    [`[..., ${'x = 1, '.repeat(100)}x = 2, ...]`, '1 '.repeat(500_000), false],
  ];
  for (const [pattern, message, expected] of cases) {
    const started = performance.now();
    assert.equal(compileFilterPattern(pattern)(message), expected, pattern.slice(0, 40));
    const ms = performance.now() - started;
    assert.ok(ms < 3_000, `${pattern.slice(0, 40)} took ${Math.round(ms)} ms`);
  }
});
