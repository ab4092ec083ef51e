import { isUtf8 } from 'node:buffer';
import { JoseError, type JoseErrorCode } from './errors.js';

/**
 * Strict JSON for JOSE headers and JWT claims sets.
 *
 * - bytes must be valid UTF-8 (RFC 8725 §3.7 / checklist J12: no lossy replacement characters);
 * - the value must be a JSON object (RFC 7515 §4, RFC 7519 §7.2);
 * - duplicate member names are rejected at every depth (RFC 7515 §4, RFC 8725 §2.6 / J10):
 *   `JSON.parse` silently keeps the last one, so a token could mean two things;
 * - `__proto__`, `constructor` and `prototype` are rejected as member names (J12);
 * - nesting is bounded (J13).
 *
 * One linear pass checks structure, names and depth (strings are skipped with native indexOf),
 * then JSON.parse builds the value and enforces the rest of the grammar.
 */

export const MAX_JSON_DEPTH = 20;

const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

export function parseJsonObject(
  input: string | Uint8Array,
  code: JoseErrorCode,
  what: string,
  maxDepth: number = MAX_JSON_DEPTH,
): Record<string, unknown> {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    if (!isUtf8(input)) throw new JoseError(code, `${what} is not valid UTF-8`);
    text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  }
  scanMembers(text, code, what, maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The SyntaxError quotes the input: never pass it on (it may hold claims or secrets).
    throw new JoseError(code, `${what} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JoseError(code, `${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * Checks the top-level value is an object, depth, and member names. Correct on valid JSON; on
 * invalid JSON it may accept, and JSON.parse then rejects. It always terminates in one pass.
 */
function scanMembers(text: string, code: JoseErrorCode, what: string, maxDepth: number): void {
  const length = text.length;
  let i = 0;
  while (i < length && isJsonWhitespace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== OPEN_OBJECT) throw new JoseError(code, `${what} is not a JSON object`);

  // Per open container: whether it is an object, and the member names seen so far.
  const isObject: boolean[] = [];
  const names: (Set<string> | undefined)[] = [];
  let depth = 0;
  let expectName = false;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i + 1;
      let end = text.indexOf('"', start);
      while (end !== -1 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) throw new JoseError(code, `${what} is not valid JSON`);
      if (expectName) {
        const name = memberName(text, start, end, code, what);
        if (FORBIDDEN_NAMES.has(name)) throw new JoseError(code, `${what} has a forbidden member name`);
        let seen = names[depth];
        if (seen === undefined) {
          seen = new Set();
          names[depth] = seen;
        } else if (seen.has(name)) {
          throw new JoseError(code, `${what} has a duplicate member name`);
        }
        seen.add(name);
        expectName = false;
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth > maxDepth) throw new JoseError(code, `${what} is nested too deeply`);
      isObject[depth] = c === OPEN_OBJECT;
      names[depth] = undefined;
      expectName = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      expectName = false;
    } else if (c === COMMA) {
      expectName = isObject[depth] === true;
    }
  }
}

/** A quote is escaped when an odd number of backslashes precede it. */
function isEscaped(text: string, quote: number): boolean {
  let k = quote - 1;
  while (text.charCodeAt(k) === BACKSLASH) k--;
  return ((quote - 1 - k) & 1) === 1;
}

/** The decoded member name: `"\u0061lg"` and `"alg"` are the same name. */
function memberName(text: string, start: number, end: number, code: JoseErrorCode, what: string): string {
  const raw = text.slice(start, end);
  if (raw.indexOf('\\') === -1) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    throw new JoseError(code, `${what} is not valid JSON`);
  }
}

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
