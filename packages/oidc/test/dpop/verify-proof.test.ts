// RFC 9449 §4.3 checks, one by one, on real proofs made by the client's proof maker. Checklist D1.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  accessTokenHash,
  createDpopNonces,
  createDpopProof,
  type DpopKeyPair,
  type DpopProofPolicy,
  exportJwk,
  generateKeyPair,
  generateSecret,
  isJoseError,
  jwkThumbprint,
  MemoryReplayCache,
  signJws,
  verifyDpopProof,
} from '@latchkey/oidc';

const NOW = 1_800_000_000;
const URL_ = 'https://api.example.test/orders';
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln';

let keys: DpopKeyPair;
let otherKeys: DpopKeyPair;

before(async () => {
  keys = await generateKeyPair('ES256');
  otherKeys = await generateKeyPair('ES256');
});

function policy(overrides: Partial<DpopProofPolicy> = {}): DpopProofPolicy {
  return {
    algorithms: ['ES256', 'RS256'],
    replayCache: new MemoryReplayCache(),
    maxAge: 60,
    clockTolerance: 5,
    now: () => NOW * 1000,
    ...overrides,
  };
}

function proof(
  options: { htm?: string; htu?: string; accessToken?: string; iat?: number; nonce?: string } = {},
) {
  return createDpopProof(keys, {
    htm: options.htm ?? 'GET',
    htu: options.htu ?? URL_,
    accessToken: options.accessToken,
    nonce: options.nonce,
    now: () => (options.iat ?? NOW) * 1000,
  });
}

// A proof signed by hand, for headers and claims the proof maker would never produce.
function handMade(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  signer = keys.privateKey,
) {
  const body = { jti: 'j-1', htm: 'GET', htu: URL_, iat: NOW, ...claims };
  return signJws(
    { typ: 'dpop+jwt', jwk: exportJwk(keys.publicKey), ...header },
    JSON.stringify(body),
    signer,
  );
}

async function refused(promise: Promise<unknown>, pattern: RegExp, code = 'ERR_DPOP_PROOF_INVALID') {
  await assert.rejects(promise, (error) => {
    assert.ok(isJoseError(error), String(error));
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
}

const request = { method: 'GET', url: URL_ };

describe('verifyDpopProof', () => {
  test('a well-made proof passes and gives the key thumbprint', async () => {
    const result = await verifyDpopProof(
      proof({ accessToken: TOKEN }),
      { ...request, accessToken: TOKEN },
      policy(),
    );
    assert.equal(result.jkt, jwkThumbprint(keys.publicKey));
    assert.equal(result.claims.ath, accessTokenHash(TOKEN));
  });

  test('htu is compared without query and fragment, after RFC 3986 normalisation', async () => {
    const p = proof({ htu: 'HTTPS://API.example.test:443/orders' });
    await verifyDpopProof(p, { method: 'GET', url: `${URL_}?page=2#top` }, policy());
  });

  test('D1: a proof for another method is refused', async () => {
    await refused(verifyDpopProof(proof({ htm: 'POST' }), request, policy()), /htm/);
  });

  test('D1: a proof for another URL is refused', async () => {
    await refused(
      verifyDpopProof(proof({ htu: 'https://api.example.test/admin' }), request, policy()),
      /htu/,
    );
    await refused(
      verifyDpopProof(proof({ htu: 'https://evil.example.test/orders' }), request, policy()),
      /htu/,
    );
  });

  test('D1: a replayed jti is refused', async () => {
    const p = proof();
    const shared = policy();
    await verifyDpopProof(p, request, shared);
    await refused(verifyDpopProof(p, request, shared), /used before/);
  });

  test('D1: of many parallel uses of one proof, exactly one passes', async () => {
    const p = proof();
    const shared = policy();
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, () => verifyDpopProof(p, request, shared)),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });

  test('D1: a stale iat is refused, and so is one from the future', async () => {
    await refused(verifyDpopProof(proof({ iat: NOW - 61 }), request, policy()), /too old/);
    await refused(verifyDpopProof(proof({ iat: NOW + 6 }), request, policy()), /future/);
    await verifyDpopProof(proof({ iat: NOW - 60 }), request, policy());
  });

  test('D1: a proof without ath is refused when an access token is presented', async () => {
    await refused(verifyDpopProof(proof(), { ...request, accessToken: TOKEN }, policy()), /no ath/);
  });

  test('D1: a proof whose ath is for another token is refused', async () => {
    const p = proof({ accessToken: `${TOKEN}x` });
    await refused(verifyDpopProof(p, { ...request, accessToken: TOKEN }, policy()), /ath does not match/);
  });

  test('D1: a proof by another key than the token is bound to is refused', async () => {
    const expectedJkt = jwkThumbprint(otherKeys.publicKey);
    await refused(verifyDpopProof(proof(), { ...request, expectedJkt }, policy()), /bound to/);
  });

  test('D1: a jwk with private key members is refused', async () => {
    const p = handMade({ jwk: exportJwk(keys.privateKey, { includePrivate: true }) }, {});
    await refused(verifyDpopProof(p, request, policy()), /private/);
  });

  test('a proof whose signature is not by its jwk is refused', async () => {
    const p = handMade({}, {}, otherKeys.privateKey);
    await refused(verifyDpopProof(p, request, policy()), /signature/);
  });

  test('a proof without typ dpop+jwt is refused', async () => {
    await refused(verifyDpopProof(handMade({ typ: 'JWT' }, {}), request, policy()), /typ/);
  });

  test('a proof with an algorithm outside the list, or a MAC, is refused', async () => {
    await refused(verifyDpopProof(proof(), request, policy({ algorithms: ['RS256'] })), /algorithm/);
    const mac = generateSecret('HS256');
    const p = signJws(
      { typ: 'dpop+jwt', jwk: { kty: 'oct' } },
      JSON.stringify({ jti: 'a', htm: 'GET', htu: URL_, iat: NOW }),
      mac,
    );
    await refused(verifyDpopProof(p, request, policy({ algorithms: ['ES256'] })), /algorithm/);
  });

  test('a proof without jti, or without a numeric iat, is refused', async () => {
    await refused(verifyDpopProof(handMade({}, { jti: undefined }), request, policy()), /jti/);
    await refused(verifyDpopProof(handMade({}, { iat: String(NOW) }), request, policy()), /iat/);
  });

  test('with server nonces, a proof without the current nonce asks for one; with it, passes', async () => {
    const nonces = createDpopNonces({ secret: new Uint8Array(32).fill(7), now: () => NOW * 1000 });
    await refused(verifyDpopProof(proof(), request, policy({ nonces })), /nonce/, 'ERR_DPOP_NONCE_REQUIRED');
    await refused(
      verifyDpopProof(proof({ nonce: 'made-up' }), request, policy({ nonces })),
      /nonce/,
      'ERR_DPOP_NONCE_REQUIRED',
    );
    await verifyDpopProof(proof({ nonce: nonces.current() }), request, policy({ nonces }));
  });
});

describe('createDpopNonces', () => {
  test('a nonce is accepted in its slot and the next, not after', () => {
    let now = NOW * 1000;
    const nonces = createDpopNonces({ secret: new Uint8Array(32).fill(1), lifetime: 60, now: () => now });
    const nonce = nonces.current();
    now += 60_000;
    assert.equal(nonces.isValid(nonce), true);
    now += 60_000;
    assert.equal(nonces.isValid(nonce), false);
  });

  test('a nonce from another secret is refused', () => {
    const a = createDpopNonces({ secret: new Uint8Array(32).fill(1) });
    const b = createDpopNonces({ secret: new Uint8Array(32).fill(2) });
    assert.equal(b.isValid(a.current()), false);
  });
});

describe('MemoryReplayCache', () => {
  test('refuses new keys while full of live ones, and frees expired slots', () => {
    const cache = new MemoryReplayCache({ maxEntries: 2 });
    assert.equal(cache.remember('a', 100, 0), true);
    assert.equal(cache.remember('b', 100, 0), true);
    assert.equal(cache.remember('c', 100, 0), false);
    assert.equal(cache.remember('a', 200, 50), false);
    assert.equal(cache.remember('c', 200, 100), true);
    assert.equal(cache.remember('a', 300, 100), true);
  });
});
