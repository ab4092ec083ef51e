/**
 * J8: every Wycheproof vector we hold gives its expected result.
 *
 * Policy for "acceptable" results (legal but discouraged encodings, e.g. a PKCS#1 v1.5 DigestInfo
 * without the NULL parameter): we REJECT them. A JOSE verifier has no reason to accept anything but
 * the one canonical encoding each algorithm defines (RFC 7518 §3), so "acceptable" is tested as
 * "invalid" here. The only such vector in our set is rsa_signature_2048_sha256 "MissingNull".
 *
 * Wycheproof signs raw messages, not JWS signing inputs. So each vector runs twice: through
 * verifyBytes (the crypto step on bytes) and through verifySignature itself, the JWS verification
 * function, with a ParsedJws whose signing input is the vector's message (Latin-1 maps each byte to one
 * character and back, so any message fits). Vectors are kept in this package (test/vectors/wycheproof).
 */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { test } from 'node:test';
import { importJwk, importKeyObject, type JoseKey, type JwsAlgorithm, verifySignature } from '@latchkey/oidc';
import { verifyBytes } from '../../src/lib/signature.js';
import { readVectors } from '../helpers/vectors.js';

interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface WycheproofGroup {
  publicKeyDer: string;
  publicKeyJwk?: Record<string, unknown>;
  keyJwk?: Record<string, unknown>;
  tests: WycheproofTest[];
}
interface WycheproofFile {
  numberOfTests: number;
  testGroups: WycheproofGroup[];
}

const FILES: [string, JwsAlgorithm][] = [
  ['ecdsa_secp256r1_sha256_p1363_test.json', 'ES256'],
  ['ecdsa_secp384r1_sha384_p1363_test.json', 'ES384'],
  ['ecdsa_secp521r1_sha512_p1363_test.json', 'ES512'],
  ['rsa_signature_2048_sha256_test.json', 'RS256'],
  ['rsa_pss_2048_sha256_mgf1_32_test.json', 'PS256'],
  ['ed25519_test.json', 'EdDSA'],
];

/** The group's key as a JoseKey: from its JWK where it has one (all but a few ECDSA groups), else SPKI DER. */
function groupKey(group: WycheproofGroup, alg: JwsAlgorithm): JoseKey {
  const jwk = group.publicKeyJwk ?? group.keyJwk;
  if (jwk !== undefined) return importJwk({ ...jwk, kid: undefined }, { alg });
  return importKeyObject(
    createPublicKey({ key: Buffer.from(group.publicKeyDer, 'hex'), format: 'der', type: 'spki' }),
    alg,
  );
}

function verifiesThroughJws(key: JoseKey, alg: JwsAlgorithm, message: Buffer, signature: Buffer): boolean {
  const parsed = { header: { alg }, signingInput: message.toString('latin1'), payloadSegment: '', signature };
  try {
    verifySignature(parsed, key);
    return true;
  } catch (error) {
    assert.equal((error as { code?: string }).code, 'ERR_JWS_SIGNATURE_INVALID');
    return false;
  }
}

for (const [file, alg] of FILES) {
  test(`J8: Wycheproof ${file} gives every expected result (${alg}; acceptable is rejected)`, () => {
    const vectors = readVectors<WycheproofFile>(`wycheproof/${file}`);
    let count = 0;
    const failures: string[] = [];
    for (const group of vectors.testGroups) {
      const key = groupKey(group, alg);
      for (const vector of group.tests) {
        const message = Buffer.from(vector.msg, 'hex');
        const signature = Buffer.from(vector.sig, 'hex');
        const expected = vector.result === 'valid';
        const bytes = verifyBytes(key, message, signature);
        const jws = verifiesThroughJws(key, alg, message, signature);
        if (bytes !== expected || jws !== expected) {
          failures.push(
            `tcId ${vector.tcId} (${vector.result}, ${vector.comment}): bytes=${bytes} jws=${jws}`,
          );
        }
        count++;
      }
    }
    assert.deepEqual(failures, []);
    assert.equal(count, vectors.numberOfTests);
  });
}
