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
 * How, fast: one linear pass over the text (strings skipped with native indexOf) bounds the depth,
 * counts the objects, and counts the name separators `:` outside strings — in valid JSON, exactly
 * one per member. JSON.parse then builds the value, and the members it kept are counted: fewer
 * means a name repeated somewhere (JSON.parse decodes escapes, so `"\u0061lg"` and `"alg"` collide).
 * When the text holds a single object (a JWT claims set or header, usually) that count is the
 * number of its own keys; otherwise a walk counts every depth. Forbidden names are checked on the
 * same keys.
 */

export const MAX_JSON_DEPTH = 20;

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
    const bytes = Buffer.isBuffer(input)
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (!isUtf8(bytes)) throw new JoseError(code, `${what} is not valid UTF-8`);
    text = bytes.toString();
  }
  const separators = scanStructure(text, code, what, maxDepth);
  const objects = scannedObjects;
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
  const members =
    objects === 1
      ? countOwnNames(value as Record<string, unknown>, code, what)
      : countMembers(value, code, what);
  if (members !== separators) {
    throw new JoseError(code, `${what} has a duplicate member name`);
  }
  return value as Record<string, unknown>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** The number of `{` outside strings seen by the last scanStructure (a second return value). */
let scannedObjects = 0;

/**
 * Checks the top-level value opens an object and the depth bound; returns the number of `:`
 * outside strings, and leaves the number of objects in `scannedObjects`. Exact on valid JSON; on
 * invalid JSON JSON.parse rejects afterwards.
 */
function scanStructure(text: string, code: JoseErrorCode, what: string, maxDepth: number): number {
  const length = text.length;
  let i = 0;
  while (i < length && isJsonWhitespace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== OPEN_OBJECT) throw new JoseError(code, `${what} is not a JSON object`);
  let depth = 0;
  let separators = 0;
  let objects = 0;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = text.indexOf('"', i + 1);
      while (end !== -1 && text.charCodeAt(end - 1) === BACKSLASH && isEscaped(text, end)) {
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) throw new JoseError(code, `${what} is not valid JSON`);
      i = end;
    } else if (c === COLON) {
      separators++;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (c === OPEN_OBJECT) objects++;
      if (++depth > maxDepth) throw new JoseError(code, `${what} is nested too deeply`);
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  scannedObjects = objects;
  return separators;
}

/** A quote is escaped when an odd number of backslashes precede it. */
function isEscaped(text: string, quote: number): boolean {
  let k = quote - 1;
  while (text.charCodeAt(k) === BACKSLASH) k--;
  return ((quote - 1 - k) & 1) === 1;
}

/** Members kept by JSON.parse, at every depth; throws on a forbidden name (prototype pollution). */
function countMembers(value: object, code: JoseErrorCode, what: string): number {
  let count = 0;
  if (Array.isArray(value)) {
    for (const element of value) {
      if (typeof element === 'object' && element !== null) count += countMembers(element, code, what);
    }
    return count;
  }
  const record = value as Record<string, unknown>;
  const names = Object.keys(record);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    checkName(name, code, what);
    const member = record[name];
    if (typeof member === 'object' && member !== null) count += countMembers(member, code, what);
  }
  return count + names.length;
}

/** The members of an object holding no other object (arrays of scalars are fine). */
function countOwnNames(record: Record<string, unknown>, code: JoseErrorCode, what: string): number {
  const names = Object.keys(record);
  for (let i = 0; i < names.length; i++) checkName(names[i]!, code, what);
  return names.length;
}

function checkName(name: string, code: JoseErrorCode, what: string): void {
  if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
    throw new JoseError(code, `${what} has a forbidden member name`);
  }
}

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
