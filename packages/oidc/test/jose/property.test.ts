import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  encodeBase64url,
  isJoseError,
  type JoseKey,
  parseCompactJws,
  signJws,
  verifyJws,
  verifySignature,
} from '@latchkey/oidc';
import fc from 'fast-check';
import { testKeyPair } from '../helpers/keys.js';

/**
 * Mutations of valid tokens never verify, and parse/verify never throw anything but JoseError.
 * Sized for 2 cores: a few hundred runs per property, fixed seeds so a failure reproduces.
 */

const RUNS = { numRuns: 300, seed: 7520 };
const JUNK = ['+', '/', '=', ' ', '\n', '.', '%', 'é', '\u0000', '\ud800', '"', '\\'];

async function fixtures(): Promise<{ key: JoseKey; tokens: string[] }[]> {
  const out = [];
  for (const alg of ['ES256', 'HS256', 'EdDSA'] as const) {
    const { privateKey, publicKey } = await testKeyPair(alg);
    const tokens = [
      signJws({ typ: 'JWT' }, '{"sub":"alice","exp":1}', privateKey),
      signJws({}, 'x', privateKey),
      signJws({ cty: 'text' }, '', privateKey),
    ];
    for (const token of tokens) assert.ok(await verifyJws(token, publicKey));
    out.push({ key: publicKey, tokens });
  }
  return out;
}

/** Rejects with a JoseError, or fails the property. */
async function rejectsWithJoseError(token: string, key: JoseKey): Promise<boolean> {
  try {
    await verifyJws(token, key);
  } catch (error) {
    if (isJoseError(error)) return true;
    throw error;
  }
  return false;
}

test('tokens with a character replaced, inserted or deleted never verify', async () => {
  const sets = await fixtures();
  const alphabet = fc.constantFrom(
    ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split(''),
    ...JUNK,
  );
  await fc.assert(
    fc.asyncProperty(
      fc.nat(sets.length - 1),
      fc.nat(2),
      fc.nat(),
      alphabet,
      fc.constantFrom('replace', 'insert', 'delete'),
      async (set, which, position, char, how) => {
        const { key, tokens } = sets[set]!;
        const token = tokens[which]!;
        const at = position % token.length;
        const mutated =
          how === 'replace'
            ? token.slice(0, at) + char + token.slice(at + 1)
            : how === 'insert'
              ? token.slice(0, at) + char + token.slice(at)
              : token.slice(0, at) + token.slice(at + 1);
        fc.pre(mutated !== token);
        return rejectsWithJoseError(mutated, key);
      },
    ),
    RUNS,
  );
});

test('tokens with a byte of a decoded segment flipped never verify', async () => {
  const sets = await fixtures();
  await fc.assert(
    fc.asyncProperty(
      fc.nat(sets.length - 1),
      fc.nat(2),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      async (set, segment, position, mask) => {
        const { key, tokens } = sets[set]!;
        const parts = tokens[0]!.split('.');
        const bytes = Buffer.from(parts[segment]!, 'base64url');
        fc.pre(bytes.length > 0);
        bytes[position % bytes.length]! ^= mask;
        parts[segment] = encodeBase64url(bytes);
        return rejectsWithJoseError(parts.join('.'), key);
      },
    ),
    RUNS,
  );
});

test('tokens with segments swapped, duplicated or taken from another token never verify', async () => {
  const sets = await fixtures();
  const all = sets.flatMap((s) => s.tokens.map((t) => t.split('.')));
  await fc.assert(
    fc.asyncProperty(
      fc.nat(sets.length - 1),
      fc.array(fc.tuple(fc.nat(all.length - 1), fc.nat(2)), { minLength: 1, maxLength: 5 }),
      async (set, picks) => {
        const { key, tokens } = sets[set]!;
        const mutated = picks.map(([t, s]) => all[t]![s]!).join('.');
        fc.pre(!tokens.includes(mutated));
        return rejectsWithJoseError(mutated, key);
      },
    ),
    RUNS,
  );
});

test('tokens with the header rewritten never verify', async () => {
  const sets = await fixtures();
  const header = fc.dictionary(
    fc.constantFrom(
      'alg',
      'kid',
      'typ',
      'cty',
      'crit',
      'b64',
      'jwk',
      'x5c',
      'jku',
      'zip',
      'enc',
      '__proto__',
      'constructor',
      'x',
    ),
    fc.oneof(
      fc.constantFrom('ES256', 'HS256', 'EdDSA', 'RS256', 'none', 'None', 'JWT'),
      fc.jsonValue({ maxDepth: 3 }),
    ),
  );
  await fc.assert(
    fc.asyncProperty(fc.nat(sets.length - 1), header, async (set, newHeader) => {
      const { key, tokens } = sets[set]!;
      const [original, payload, signature] = tokens[0]!.split('.');
      const encoded = encodeBase64url(JSON.stringify(newHeader));
      fc.pre(encoded !== original);
      return rejectsWithJoseError(`${encoded}.${payload}.${signature}`, key);
    }),
    RUNS,
  );
});

test('the parser and verifier throw nothing but JoseError on arbitrary input', async () => {
  const { key } = (await fixtures())[0]!;
  const segment = fc.oneof(
    fc.string({ unit: fc.constantFrom(...'AZaz09-_'.split(''), ...JUNK), maxLength: 40 }),
    fc.jsonValue({ maxDepth: 4 }).map((value) => encodeBase64url(JSON.stringify(value) ?? '')),
    fc.uint8Array({ maxLength: 70 }).map((bytes) => encodeBase64url(bytes)),
  );
  const input = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.')),
    fc.anything(),
  );
  await fc.assert(
    fc.asyncProperty(input, async (value) => {
      try {
        verifySignature(parseCompactJws(value as string), key);
      } catch (error) {
        if (!isJoseError(error)) throw error;
      }
      return rejectsWithJoseError(value as string, key);
    }),
    { ...RUNS, numRuns: 500 },
  );
});
