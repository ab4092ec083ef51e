import { type GeneratedKeyPair, generateKeyPair, generateSecret, type JwsAlgorithm } from '@latchkey/oidc';

const pairs = new Map<JwsAlgorithm, Promise<GeneratedKeyPair>>();

/**
 * One key pair per algorithm per test process (RSA generation is slow on 2 cores). HS* "pairs"
 * hold the same secret key twice, so tests can treat every algorithm alike.
 */
export function testKeyPair(alg: JwsAlgorithm): Promise<GeneratedKeyPair> {
  let pair = pairs.get(alg);
  if (pair === undefined) {
    if (alg === 'HS256' || alg === 'HS384' || alg === 'HS512') {
      const secret = generateSecret(alg);
      pair = Promise.resolve({ privateKey: secret, publicKey: secret });
    } else {
      pair = generateKeyPair(alg);
    }
    pairs.set(alg, pair);
  }
  return pair;
}
