import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportJwk, importJwk, type JwsAlgorithm, signJws, verifyJws } from '@latchkey/oidc';
import { readVectors } from '../helpers/vectors.js';

/** The JOSE Cookbook (RFC 7520) JWS examples, kept in this package (test/vectors/rfc7520). */
interface CookbookExample {
  input: { payload: string; key: Record<string, unknown>; alg: JwsAlgorithm };
  signing: { protected: Record<string, unknown> };
  output: { compact: string };
}

const EXAMPLES: [string, string, boolean][] = [
  ['4.1 RSA v1.5 (RS256)', '4_1.rsa_v15_signature.json', true],
  ['4.2 RSA-PSS (PS384)', '4_2.rsa-pss_signature.json', false],
  ['4.3 ECDSA (ES512)', '4_3.ecdsa_signature.json', false],
  ['4.4 HMAC-SHA2 (HS256)', '4_4.hmac-sha2_integrity_protection.json', true],
];

for (const [section, file, deterministic] of EXAMPLES) {
  const example = readVectors<CookbookExample>(`rfc7520/${file}`);
  const privateKey = importJwk(example.input.key, { alg: example.input.alg });
  const verifyKey = privateKey.type === 'secret' ? privateKey : importJwk(exportJwk(privateKey));

  test(`RFC 7520 §${section}: the example verifies with the public key`, async () => {
    const { header, payload } = await verifyJws(example.output.compact, verifyKey, {
      algorithms: [example.input.alg],
    });
    assert.deepEqual({ ...header }, example.signing.protected);
    assert.equal(payload.toString('utf8'), example.input.payload);
  });

  if (deterministic) {
    test(`RFC 7520 §${section}: signing reproduces the example byte for byte`, () => {
      assert.equal(
        signJws(example.signing.protected, example.input.payload, privateKey),
        example.output.compact,
      );
    });
  }
}
