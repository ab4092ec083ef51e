// F2 against a software authenticator made here (P-256, ES256): assertions built byte by byte as
// WebAuthn L3 §6.1 and §5.8.1 define them, so each rule is tested on its own.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createFactorSecretSealer } from '../../src/keys/sealing.js';
import { DISCOVERABLE, type PasskeyDeps, verifyPasskeyAnswer } from '../../src/login/factors/passkey.js';
import { relyingPartyOf, sealChallenge } from '../../src/login/factors/webauthn.js';
import { createHarness, type Harness } from '../authorize/harness.js';

const ISSUER = 'https://id.example.com';
let h: Harness;
let deps: PasskeyDeps;
let key: { privateKey: KeyObject; publicKey: KeyObject };
const CREDENTIAL = randomBytes(16).toString('base64url');

/** The COSE_Key of a P-256 public key (RFC 9053 §7.1.1), CBOR-encoded by hand: {1:2, 3:-7, -1:1, -2:x, -3:y}. */
function coseKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');
  return Buffer.concat([
    Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20]),
    x,
    Buffer.from([0x22, 0x58, 0x20]),
    y,
  ]);
}

interface Assertion {
  rpId?: string;
  origin?: string;
  flags?: number;
  counter?: number;
  challenge: string;
}

/** An assertion (WebAuthn L3 §6.1 authenticator data, §5.8.1 client data), signed by `key`. */
function assertion(a: Assertion) {
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(a.counter ?? 1);
  const authData = Buffer.concat([
    createHash('sha256')
      .update(a.rpId ?? 'id.example.com')
      .digest(),
    // UP (0x01) and UV (0x04) by default.
    Buffer.from([a.flags ?? 0x05]),
    counter,
  ]);
  const clientData = Buffer.from(
    JSON.stringify({
      type: 'webauthn.get',
      challenge: a.challenge,
      origin: a.origin ?? ISSUER,
      crossOrigin: false,
    }),
  );
  const signature = sign(
    'sha256',
    Buffer.concat([authData, createHash('sha256').update(clientData).digest()]),
    key.privateKey,
  );
  return {
    id: CREDENTIAL,
    rawId: CREDENTIAL,
    type: 'public-key',
    clientExtensionResults: {},
    response: {
      authenticatorData: authData.toString('base64url'),
      clientDataJSON: clientData.toString('base64url'),
      signature: signature.toString('base64url'),
    },
  };
}

/** A fresh sealed challenge for alice and an answer built with `options`. */
function answer(options: Omit<Assertion, 'challenge'> = {}, userId = h.userId) {
  const challenge = randomBytes(32).toString('base64url');
  const state = sealChallenge(deps.sealer, userId, 'authenticate', challenge, h.clock.now());
  return JSON.stringify({ state, response: assertion({ ...options, challenge }) });
}

const verify = (code: string, userId = h.userId) => verifyPasskeyAnswer(deps, code, userId, h.clock.now());

before(async () => {
  h = await createHarness();
  key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  deps = {
    factors: h.stores.factors,
    sealer: createFactorSecretSealer(randomBytes(32)),
    replayCache: h.stores.replayCache,
    audit: h.stores.audit,
    relyingParty: relyingPartyOf(ISSUER, 'Latchkey'),
  };
  await h.stores.factors.addPasskey({
    credentialId: CREDENTIAL,
    userId: h.userId,
    name: 'Key',
    publicKey: coseKey(key.publicKey).toString('base64url'),
    counter: 0,
    transports: [],
    backedUp: false,
    createdAt: h.clock.now(),
    lastUsedAt: null,
  });
});
after(() => h.close());

test('F2: a right assertion proves hwk and user, and a replay of its challenge is refused', async () => {
  const code = answer({ counter: 10 });
  assert.deepEqual(await verify(code), { userId: h.userId, amr: ['hwk', 'user'] });
  assert.equal(await verify(code), undefined);
});

test('F2: an assertion for another RP ID is refused', async () => {
  assert.equal(await verify(answer({ rpId: 'evil.example', counter: 20 })), undefined);
});

test('F2: an assertion made on another origin is refused', async () => {
  assert.equal(await verify(answer({ origin: 'https://evil.example', counter: 21 })), undefined);
});

test('F2: an assertion without user verification is refused (UV required)', async () => {
  assert.equal(await verify(answer({ flags: 0x01, counter: 22 })), undefined);
});

test("F2: another user's passkey does not count for this user; username-less it names its own user", async () => {
  assert.equal(await verify(answer({ counter: 23 }, 'someone-else'), 'someone-else'), undefined);
  const discoverable = (() => {
    const challenge = randomBytes(32).toString('base64url');
    const state = sealChallenge(deps.sealer, DISCOVERABLE, 'authenticate', challenge, h.clock.now());
    return JSON.stringify({ state, response: assertion({ challenge, counter: 24 }) });
  })();
  assert.deepEqual(await verify(discoverable, DISCOVERABLE), { userId: h.userId, amr: ['hwk', 'user'] });
});

test('F2: a signature counter that goes back (a cloned key) is refused, flagged and audited', async () => {
  assert.ok(await verify(answer({ counter: 50 })));
  assert.equal(await verify(answer({ counter: 40 })), undefined);
  const [event] = await h.stores.audit.list({ limit: 1, type: 'passkey.counter_regression' });
  assert.equal(event?.userId, h.userId);
  assert.equal((await h.stores.factors.getPasskey(CREDENTIAL))?.counter, 50);
});
