import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALGORITHM_NAMES,
  exportJwk,
  importJwk,
  type JwsAlgorithm,
  jwkThumbprint,
  signJws,
  verifyJws,
} from '@latchkey/oidc';
import * as jose from 'jose';
import { testKeyPair } from '../helpers/keys.js';

/** Interoperability with panva/jose: tokens, JWKs and thumbprints cross in both directions. */

const PAYLOAD = '{"iss":"https://issuer.example","sub":"alice"}';
const isHmac = (alg: JwsAlgorithm) => alg.startsWith('HS');

async function joseKeys(alg: JwsAlgorithm): Promise<{ sign: jose.CryptoKey; verifyJwk: jose.JWK }> {
  if (isHmac(alg)) {
    const secret = (await jose.generateSecret(alg, { extractable: true })) as jose.CryptoKey;
    return { sign: secret, verifyJwk: await jose.exportJWK(secret) };
  }
  const pair = await jose.generateKeyPair(alg, { extractable: true });
  return { sign: pair.privateKey, verifyJwk: await jose.exportJWK(pair.publicKey) };
}

for (const alg of ALGORITHM_NAMES) {
  test(`${alg}: tokens and JWKs cross between Latchkey and jose in both directions`, async () => {
    // Ours → jose.
    const ours = await testKeyPair(alg);
    const ourToken = signJws({ typ: 'JWT' }, PAYLOAD, ours.privateKey);
    const ourJwk = exportJwk(ours.publicKey, { includePrivate: isHmac(alg) });
    const inJose = await jose.importJWK(ourJwk, alg);
    const verified = await jose.compactVerify(ourToken, inJose, { algorithms: [alg] });
    assert.equal(new TextDecoder().decode(verified.payload), PAYLOAD);

    // jose → ours.
    const theirs = await joseKeys(alg);
    const theirToken = await new jose.CompactSign(new TextEncoder().encode(PAYLOAD))
      .setProtectedHeader({ alg, kid: 'theirs' })
      .sign(theirs.sign);
    const imported = importJwk(theirs.verifyJwk, { alg });
    const result = await verifyJws(theirToken, imported, { algorithms: [alg] });
    assert.equal(result.payload.toString(), PAYLOAD);
    assert.equal(result.header.kid, 'theirs');

    // Private JWKs cross too (asymmetric): jose signs with our private key.
    if (!isHmac(alg)) {
      const ourPrivateInJose = await jose.importJWK(
        exportJwk(ours.privateKey, { includePrivate: true }),
        alg,
      );
      const crossToken = await new jose.CompactSign(new TextEncoder().encode(PAYLOAD))
        .setProtectedHeader({ alg })
        .sign(ourPrivateInJose);
      assert.ok(await verifyJws(crossToken, ours.publicKey));
    }

    // Thumbprints agree.
    assert.equal(jwkThumbprint(ourJwk), await jose.calculateJwkThumbprint(ourJwk, 'sha256'));
    assert.equal(
      jwkThumbprint(theirs.verifyJwk as never, 'sha384'),
      await jose.calculateJwkThumbprint(theirs.verifyJwk, 'sha384'),
    );
    assert.equal(jwkThumbprint(imported), await jose.calculateJwkThumbprint(theirs.verifyJwk));
  });
}
