import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signJwt } from '@latchkey/oidc';
import { freePort } from '../../../test/helpers/free-port.js';
import { startTestProvider, type TestProvider } from '../../../test/helpers/provider.js';
import { cli, tempWorkspace } from './run-cli.js';

describe('latchkey jwt decode|verify against a running provider', () => {
  const ws = tempWorkspace();
  let op: TestProvider;
  let issuer: string;
  let token: string;
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>) =>
    signJwt(claims, op.provider.keyManager.signingKey('ES256'), { typ: 'at+jwt' });

  before(async () => {
    op = await startTestProvider({ env: ws.env });
    issuer = op.issuer;
    token = sign({ iss: issuer, sub: 'user-1', aud: 'https://api.example', iat: now(), exp: now() + 300 });
  });
  after(async () => {
    await op.close();
    ws.cleanup();
  });

  test('jwt decode prints header and claims and says the signature was not checked', async () => {
    const r = await cli(['jwt', 'decode', token], ws.env);
    assert.equal(r.status, 0, r.stderr);
    const decoded = JSON.parse(r.stdout) as { header: { typ: string }; claims: { sub: string } };
    assert.equal(decoded.header.typ, 'at+jwt');
    assert.equal(decoded.claims.sub, 'user-1');
    assert.match(r.stderr, /NOT checked/);
  });

  test('jwt decode reads the token from stdin with -', async () => {
    const r = await cli(['jwt', 'decode', '-'], ws.env, `${token}\n`);
    assert.equal(r.status, 0, r.stderr);
  });

  test('jwt decode of something that is not a JWT exits 1 and says why', async () => {
    const r = await cli(['jwt', 'decode', 'not-a-token'], ws.env);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /three dot-separated segments/);
  });

  test('jwt verify accepts a token the issuer signed and prints its claims', async () => {
    const r = await cli(
      ['jwt', 'verify', token, '--issuer', issuer, '--audience', 'https://api.example', '--typ', 'at+jwt'],
      ws.env,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { claims: { sub: string } }).claims.sub, 'user-1');
    assert.match(r.stderr, /^Valid: signed by/);
  });

  const failures: { name: string; token: () => string; args?: string[]; reason: RegExp }[] = [
    {
      name: 'another audience',
      token: () => token,
      args: ['--audience', 'https://other.example'],
      reason: /ERR_JWT_CLAIM_INVALID.*claim aud/,
    },
    {
      name: 'an expired token',
      token: () => sign({ iss: issuer, sub: 'u', aud: 'a', iat: now() - 600, exp: now() - 300 }),
      reason: /ERR_JWT_EXPIRED/,
    },
    {
      name: 'a tampered signature',
      token: () => `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`,
      reason: /ERR_JWS_SIGNATURE_INVALID/,
    },
    {
      name: 'another issuer in the token',
      token: () => sign({ iss: 'https://evil.example', sub: 'u', aud: 'a', iat: now(), exp: now() + 60 }),
      reason: /ERR_JWT_CLAIM_INVALID.*claim iss/,
    },
    { name: 'a wrong typ', token: () => token, args: ['--typ', 'JWT'], reason: /ERR_JWT_CLAIM_INVALID/ },
  ];
  for (const { name, token: make, args = [], reason } of failures) {
    test(`jwt verify rejects ${name}: exit 1 with the error code`, async () => {
      const t = make();
      const r = await cli(['jwt', 'verify', t, '--issuer', issuer, ...args], ws.env);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, reason);
      assert.ok(!r.stderr.includes(t), 'the token is not echoed');
    });
  }

  test('jwt verify shows both issuers when the token names another one', async () => {
    const other = sign({ iss: 'https://evil.example', sub: 'u', aud: 'a', iat: now(), exp: now() + 60 });
    const r = await cli(['jwt', 'verify', other, '--issuer', issuer], ws.env);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /claim iss/);
    assert.ok(
      r.stderr.includes(`the token's iss is "https://evil.example", --issuer is "${issuer}"`),
      r.stderr,
    );
  });

  test('jwt verify against an issuer nobody serves names the discovery URL that failed', async () => {
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    const r = await cli(['jwt', 'verify', token, '--issuer', unreachable], ws.env);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      new RegExp(
        `OpenID discovery at ${unreachable}/\\.well-known/openid-configuration failed: .*ECONNREFUSED`,
      ),
    );
    assert.match(r.stderr, /Check --issuer and that the provider is running/);
    assert.doesNotMatch(r.stderr, /invalid token|ERR_JWKS_FETCH_FAILED/);
  });

  test('jwt verify without --issuer is a usage error', async () => {
    const r = await cli(['jwt', 'verify', token], ws.env);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--issuer is required/);
  });
});
