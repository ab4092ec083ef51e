import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { InvalidGrant } from '../../src/errors/index.js';
import {
  checkCodeClient,
  checkCodeNotExpired,
  checkCodeRedirectUri,
  checkCodeVerifierFormat,
  checkPkce,
} from '../../src/grants/authorization-code.js';
import type { AuthorizationCodeRecord, ClientRecord } from '../../src/store/types.js';
import { basicAuth, REDIRECT_URI, type SignInFixture, signInFixture } from './sign-in-fixture.js';

const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
// RFC 7636 Appendix B: the S256 challenge of the verifier above.
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

const confidential = { type: 'confidential' } as const;
const publicClient = { type: 'public' } as const;

describe('PKCE checks', () => {
  test('the RFC 7636 Appendix B verifier matches its challenge', () => {
    assert.equal(createHash('sha256').update(VERIFIER).digest('base64url'), CHALLENGE);
    assert.doesNotThrow(() => checkPkce(CHALLENGE, VERIFIER, confidential));
  });

  const formats: [string, string, boolean][] = [
    ['43 characters', 'a'.repeat(43), true],
    ['128 characters', 'a'.repeat(128), true],
    ['every allowed character', `AZaz09-._~${'x'.repeat(33)}`, true],
    ['42 characters', 'a'.repeat(42), false],
    ['129 characters', 'a'.repeat(129), false],
    ['a space', `${'a'.repeat(42)} `, false],
    ['a plus sign', `${'a'.repeat(42)}+`, false],
    ['a slash', `${'a'.repeat(42)}/`, false],
    ['a non-ASCII letter', `${'a'.repeat(42)}é`, false],
  ];
  for (const [name, verifier, ok] of formats) {
    test(`A5: a code_verifier of ${name} is ${ok ? 'accepted' : 'refused'}`, () => {
      if (ok) assert.doesNotThrow(() => checkCodeVerifierFormat(verifier));
      else assert.throws(() => checkCodeVerifierFormat(verifier), InvalidGrant);
    });
  }

  const cases: [
    string,
    string | null,
    string | undefined,
    typeof confidential | typeof publicClient,
    boolean,
  ][] = [
    ['matching verifier', CHALLENGE, VERIFIER, confidential, true],
    ['A5: a challenge and no verifier', CHALLENGE, undefined, confidential, false],
    ['A5: a wrong verifier', CHALLENGE, `${VERIFIER.slice(0, -1)}l`, confidential, false],
    ['A5: the challenge itself sent as verifier (plain)', CHALLENGE, CHALLENGE, confidential, false],
    ['A6: a verifier with no challenge in the code', null, VERIFIER, confidential, false],
    ['no PKCE at all for a confidential client', null, undefined, confidential, true],
    ['no PKCE at all for a public client', null, undefined, publicClient, false],
  ];
  for (const [name, challenge, verifier, client, ok] of cases) {
    test(`${name}: ${ok ? 'passes' : 'invalid_grant'}`, () => {
      if (ok) assert.doesNotThrow(() => checkPkce(challenge, verifier, client));
      else assert.throws(() => checkPkce(challenge, verifier, client), InvalidGrant);
    });
  }
});

describe('code binding checks', () => {
  const code = { clientId: 'web', redirectUri: REDIRECT_URI, expiresAt: 1000 } as AuthorizationCodeRecord;
  test('A2: a code is dead at and after its expiry', () => {
    assert.doesNotThrow(() => checkCodeNotExpired(code, 999));
    assert.throws(() => checkCodeNotExpired(code, 1000), InvalidGrant);
    assert.throws(() => checkCodeNotExpired(code, 1001), InvalidGrant);
  });
  test('A2: a code redeemed by another client is invalid_grant', () => {
    assert.doesNotThrow(() => checkCodeClient(code, { clientId: 'web' } as ClientRecord));
    assert.throws(() => checkCodeClient(code, { clientId: 'post' } as ClientRecord), InvalidGrant);
  });
  const uris: [string, string | undefined, boolean][] = [
    ['the same redirect_uri', REDIRECT_URI, true],
    ['no redirect_uri', undefined, false],
    ['a trailing slash', `${REDIRECT_URI}/`, false],
    ['another case', REDIRECT_URI.toUpperCase(), false],
    ['an added query', `${REDIRECT_URI}?x=1`, false],
    ['a percent-encoded variant', REDIRECT_URI.replace('callback', 'c%61llback'), false],
  ];
  for (const [name, uri, ok] of uris) {
    test(`A2: ${name} ${ok ? 'matches' : 'is invalid_grant'}`, () => {
      if (ok) assert.doesNotThrow(() => checkCodeRedirectUri(code, uri));
      else assert.throws(() => checkCodeRedirectUri(code, uri), InvalidGrant);
    });
  }
});

describe('redeeming a code at POST /token', () => {
  let f: SignInFixture;
  before(async () => {
    f = await signInFixture();
  });
  after(() => f.close());

  const redeemForm = (code: string, verifier: string | undefined, extra: Record<string, string> = {}) => ({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    ...(verifier === undefined ? {} : { code_verifier: verifier }),
    ...extra,
  });
  const asWeb = () => ({ authorization: basicAuth('web', f.secrets.web) });

  test('A1: a second redemption is invalid_grant and revokes the grant, so UserInfo refuses the first access token', async () => {
    const first = await f.signIn();
    assert.equal((await f.userinfo(first.body.access_token)).statusCode, 200);
    const second = await f.token(redeemForm(first.code, first.verifier), asWeb());
    assert.equal(second.statusCode, 400);
    assert.equal(second.json().error, 'invalid_grant');
    assert.notEqual((await f.stores.grants.get(first.grantId))?.revokedAt, null);
    const replayed = await f.userinfo(first.body.access_token);
    assert.equal(replayed.statusCode, 401);
    assert.match(String(replayed.headers['www-authenticate']), /error="invalid_token"/);
    const [event] = await f.stores.audit.list({ limit: 1, type: 'authorization_code.replayed' });
    assert.equal(event?.clientId, 'web');
  });

  test('A1: of two concurrent redemptions exactly one wins; the loser revokes what the winner got (oidcc-codereuse-30seconds)', async () => {
    const issued = await f.issueCode();
    const responses = await Promise.all([
      f.token(redeemForm(issued.code, issued.verifier), asWeb()),
      f.token(redeemForm(issued.code, issued.verifier), asWeb()),
    ]);
    const statuses = responses.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [200, 400]);
    const winner = responses.find((r) => r.statusCode === 200)!.json();
    assert.equal(responses.find((r) => r.statusCode === 400)!.json().error, 'invalid_grant');
    f.clock.advance(30);
    assert.equal((await f.userinfo(winner.access_token)).statusCode, 401);
  });

  test('A2: a code redeemed at its expiry is invalid_grant', async () => {
    const issued = await f.issueCode();
    f.clock.advance(60);
    const response = await f.token(redeemForm(issued.code, issued.verifier), asWeb());
    assert.equal(response.json().error, 'invalid_grant');
  });

  test('A2: a code issued to another client is invalid_grant for the client that presents it', async () => {
    const issued = await f.issueCode({ clientId: 'post' });
    const response = await f.token(redeemForm(issued.code, issued.verifier), asWeb());
    assert.equal(response.json().error, 'invalid_grant');
  });

  test('A2: another redirect_uri is invalid_grant', async () => {
    const issued = await f.issueCode();
    const response = await f.token(
      redeemForm(issued.code, issued.verifier, { redirect_uri: 'https://rp.example/other' }),
      asWeb(),
    );
    assert.equal(response.json().error, 'invalid_grant');
  });

  test('A5: a code with a challenge redeemed without a verifier is invalid_grant', async () => {
    const issued = await f.issueCode();
    const response = await f.token(redeemForm(issued.code, undefined), asWeb());
    assert.equal(response.json().error, 'invalid_grant');
  });

  test('A5: a wrong verifier is invalid_grant', async () => {
    const issued = await f.issueCode();
    const response = await f.token(redeemForm(issued.code, VERIFIER), asWeb());
    assert.equal(response.json().error, 'invalid_grant');
  });

  test('A6: a verifier for a code issued without a challenge is invalid_grant', async () => {
    const issued = await f.issueCode({ codeChallenge: null });
    const response = await f.token(redeemForm(issued.code, issued.verifier), asWeb());
    assert.equal(response.json().error, 'invalid_grant');
  });

  test('a code whose grant was revoked (logout) is invalid_grant', async () => {
    const issued = await f.issueCode();
    await f.stores.grants.revoke(issued.grantId, f.clock.now());
    const response = await f.token(redeemForm(issued.code, issued.verifier), asWeb());
    assert.equal(response.json().error, 'invalid_grant');
  });

  test('error descriptions never contain the code or the verifier', async () => {
    const issued = await f.issueCode();
    const response = await f.token(redeemForm(issued.code, VERIFIER), asWeb());
    assert.ok(!response.body.includes(issued.code));
    assert.ok(!response.body.includes(VERIFIER));
  });
});
