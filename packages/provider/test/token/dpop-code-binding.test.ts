// DPoP authorization code binding (RFC 9449 §10): `dpop_jkt` at /authorize (or in a pushed request,
// or a proof sent with the push, §10.1) binds the code to a key; the code exchange must carry a proof
// by that key, so a code stolen from the front channel is worthless without the client's private key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDpopProof, type DpopKeyPair, generateKeyPair, jwkThumbprint } from '@latchkey/oidc';
import { createClient } from '@latchkey/provider';
import { Browser, createHarness, type Harness, pkcePair, responseParams } from '../authorize/harness.js';

const CLIENT = 'native';
const REDIRECT = 'https://native.example.com/callback';

describe('DPoP-bound authorization codes (dpop_jkt)', () => {
  let h: Harness;
  let key: DpopKeyPair;
  let otherKey: DpopKeyPair;
  let jkt: string;

  before(async () => {
    h = await createHarness();
    await createClient(h.stores, {
      name: 'Native',
      clientId: CLIENT,
      public: true,
      redirectUris: [REDIRECT],
      scopes: ['openid', 'profile'],
    });
    [key, otherKey] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ES256')]);
    jkt = jwkThumbprint(key.publicKey);
  });
  after(() => h.close());

  const proof = (keys: DpopKeyPair, path: string) =>
    createDpopProof(keys, { htm: 'POST', htu: `${h.config.issuer}${path}`, now: () => h.clock.now() * 1000 });

  function params(pkce: { challenge: string }, extra: Record<string, string> = {}) {
    return new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      state: 's',
      nonce: 'n',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      ...extra,
    });
  }

  /** Signs alice in and returns the code of the answer (or the error parameters). */
  async function authorize(query: URLSearchParams) {
    const answer = await new Browser(h.app).signIn(query);
    assert.equal(answer.statusCode, 303, answer.body);
    return responseParams(String(answer.headers.location));
  }

  async function codeFor(extra: Record<string, string>) {
    const pkce = pkcePair();
    const code = (await authorize(params(pkce, extra))).get('code');
    assert.ok(code);
    return { code, verifier: pkce.verifier };
  }

  const redeem = ({ code, verifier }: { code: string; verifier: string }, dpop?: string) =>
    h.app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(dpop ? { dpop } : {}) },
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: CLIENT,
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      }).toString(),
    });

  async function push(extra: Record<string, string>, dpop?: string) {
    const pkce = pkcePair();
    const response = await h.app.inject({
      method: 'POST',
      url: '/par',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(dpop ? { dpop } : {}) },
      payload: params(pkce, extra).toString(),
    });
    return { response, verifier: pkce.verifier };
  }

  async function codeThroughPar(extra: Record<string, string>, dpop?: string) {
    const { response, verifier } = await push(extra, dpop);
    assert.equal(response.statusCode, 201, response.body);
    const query = new URLSearchParams({ client_id: CLIENT, request_uri: response.json().request_uri });
    const code = (await authorize(query)).get('code');
    assert.ok(code);
    return { code, verifier };
  }

  test('a code bound with dpop_jkt is redeemed with a proof by that key: the tokens are bound to it', async () => {
    const response = await redeem(await codeFor({ dpop_jkt: jkt }), proof(key, '/token'));
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().token_type, 'DPoP');
    const claims = JSON.parse(
      Buffer.from(response.json().access_token.split('.')[1], 'base64url').toString(),
    );
    assert.equal(claims.cnf.jkt, jkt);
  });

  test('D1: a code bound with dpop_jkt is refused without a proof (a stolen code is worthless)', async () => {
    const response = await redeem(await codeFor({ dpop_jkt: jkt }));
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(response.json().error, 'invalid_grant');
    assert.match(response.json().error_description, /bound to a DPoP key/);
  });

  test('D1: a code bound with dpop_jkt is refused with a proof by another key', async () => {
    const response = await redeem(await codeFor({ dpop_jkt: jkt }), proof(otherKey, '/token'));
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(response.json().error, 'invalid_grant');
    assert.match(response.json().error_description, /not by the key/);
  });

  test('a code without dpop_jkt is redeemed with or without a proof, as before', async () => {
    assert.equal((await redeem(await codeFor({}))).statusCode, 200);
    assert.equal((await redeem(await codeFor({}), proof(otherKey, '/token'))).statusCode, 200);
  });

  test('a dpop_jkt that is no SHA-256 thumbprint is refused at /authorize', async () => {
    const answer = await new Browser(h.app).authorize(params(pkcePair(), { dpop_jkt: 'not-a-thumbprint' }));
    assert.equal(answer.statusCode, 303, answer.body);
    const error = responseParams(String(answer.headers.location));
    assert.equal(error.get('error'), 'invalid_request');
    assert.match(error.get('error_description')!, /dpop_jkt/);
  });

  test('D1: dpop_jkt in a pushed request binds the code', async () => {
    const bound = await codeThroughPar({ dpop_jkt: jkt });
    assert.equal((await redeem(bound, proof(otherKey, '/token'))).statusCode, 400);
    const again = await codeThroughPar({ dpop_jkt: jkt });
    assert.equal((await redeem(again, proof(key, '/token'))).statusCode, 200);
  });

  test('D1: a DPoP proof sent with the push binds the code to its key (RFC 9449 §10.1)', async () => {
    const bound = await codeThroughPar({}, proof(key, '/par'));
    const refused = await redeem(bound);
    assert.equal(refused.statusCode, 400, refused.body);
    assert.equal(refused.json().error, 'invalid_grant');
    const again = await codeThroughPar({}, proof(key, '/par'));
    assert.equal((await redeem(again, proof(key, '/token'))).statusCode, 200);
  });

  test('D1: a push whose dpop_jkt is not its proof key, or whose proof is for another URL, is refused', async () => {
    const mismatch = await push({ dpop_jkt: jkt }, proof(otherKey, '/par'));
    assert.equal(mismatch.response.statusCode, 400, mismatch.response.body);
    assert.equal(mismatch.response.json().error, 'invalid_dpop_proof');
    const wrongUrl = await push({}, proof(key, '/token'));
    assert.equal(wrongUrl.response.statusCode, 400, wrongUrl.response.body);
    assert.equal(wrongUrl.response.json().error, 'invalid_dpop_proof');
  });
});
