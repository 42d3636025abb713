import { InvalidInputError } from '../errors.js';
import { FilterSyntaxError, readQuoted } from './filter-syntax.js';
import { compileJsonFilter } from './json-filter.js';
import { compileLinearRegex } from './linear-regex.js';
import { parseRegexFilter } from './regex-subset.js';
import { compileSpaceDelimitedFilter } from './space-delimited-filter.js';

export type EventMatcher = (message: string) => boolean;

/**
 * FilterLogEvents' `filterPattern` (reference §4), compiled once per request into a predicate on
 * the message. The four forms are told apart by their first character: `{` JSON, `[` space-
 * delimited fields, `%…%` a regular expression, anything else terms. Whatever does not parse is
 * refused with InvalidParameterException rather than silently matching everything.
 */
export function compileFilterPattern(pattern: string | undefined): EventMatcher {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  try {
    if (text.startsWith('{')) return compileJsonFilter(text);
    if (text.startsWith('[')) return compileSpaceDelimitedFilter(text);
    if (text.length >= 2 && text.startsWith('%') && text.endsWith('%')) return compileRegex(text.slice(1, -1));
    return compileTerms(text);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new InvalidInputError(`Invalid filter pattern: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Terms: every plain term must occur, no `-term` may occur, and when there are `?term`s at least
 * one of them must occur. Matching is a case-sensitive substring test; `"quoted phrases"` keep
 * their spaces and punctuation, with `\"` and `\\` as escapes.
 */
function compileTerms(text: string): EventMatcher {
  const required: string[] = [];
  const optional: string[] = [];
  const excluded: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i += 1;
      continue;
    }
    let bucket = required;
    const sigil = text[i];
    if ((sigil === '?' || sigil === '-') && i + 1 < text.length && !/\s/.test(text[i + 1]!)) {
      bucket = sigil === '?' ? optional : excluded;
      i += 1;
    }
    let term: string;
    if (text[i] === '"') {
      [term, i] = readQuoted(text, i);
    } else {
      const start = i;
      while (i < text.length && !/\s/.test(text[i]!)) {
        if (text[i] === '"') throw new FilterSyntaxError(`unexpected quote in term at offset ${i}`);
        i += 1;
      }
      term = text.slice(start, i);
    }
    if (term !== '') bucket.push(term);
  }
  return (message) =>
    required.every((t) => message.includes(t)) &&
    !excluded.some((t) => message.includes(t)) &&
    (optional.length === 0 || optional.some((t) => message.includes(t)));
}

/** `%regex%` (reference §4): AWS's subset of regular expressions, matched in linear time. */
function compileRegex(source: string): EventMatcher {
  return compileLinearRegex(parseRegexFilter(source));
}
