// Client assertions by the workload trust rules (RFC 7523 §2.2): a machine client authenticates at the
// token endpoint with the token its platform gave it (a fake GitHub Actions and a fake Kubernetes
// issuer on loopback), so client_credentials works with no stored secret. Checklist D3 (replay, wrong
// aud, untrusted issuer, conditions, long exp) and C4 for this method.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createClient } from '@latchkey/provider';
import { testConfig, testProviderApp } from '../helpers/fixtures.js';
import { type FakeIssuer, startFakeIssuer } from './fake-issuer.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ISSUER = testConfig().issuer;
const DEPLOY_API = 'https://deploy.example.com';
const NOW = 1_800_000_000;

describe('workload_identity_jwt client authentication', () => {
  let github: FakeIssuer;
  let kube: FakeIssuer;
  let stranger: FakeIssuer;
  let f: Awaited<ReturnType<typeof testProviderApp>>;

  before(async () => {
    [github, kube, stranger] = await Promise.all([startFakeIssuer(), startFakeIssuer(), startFakeIssuer()]);
    f = await testProviderApp({
      overrides: {
        workloadIdentity: {
          trust: [
            {
              name: 'github-deploy',
              issuer: github.issuer,
              audience: ISSUER,
              claims: { repository: 'acme/api', ref: 'refs/heads/main' },
              clientId: 'ci-deployer',
              scopes: ['deploy'],
              resources: [DEPLOY_API],
              maxLifetime: 3600,
            },
            {
              name: 'kube-billing',
              issuer: kube.issuer,
              jwksUri: `${kube.issuer}/jwks`,
              audience: ISSUER,
              claims: { sub: 'system:serviceaccount:prod:billing' },
              clientId: 'billing-job',
              scopes: ['invoices:write'],
              resources: [DEPLOY_API],
              maxLifetime: 3600,
            },
          ],
        },
      },
    });
    for (const clientId of ['ci-deployer', 'billing-job']) {
      await createClient(f.stores, {
        name: clientId,
        clientId,
        tokenEndpointAuthMethod: 'workload_identity_jwt',
        grantTypes: ['client_credentials', JWT_BEARER],
        scopes: ['deploy', 'invoices:write'],
        allowedResources: [DEPLOY_API],
      });
    }
  });
  after(async () => {
    await f.close();
    await Promise.all([github.close(), kube.close(), stranger.close()]);
  });

  const githubClaims = (extra: Record<string, unknown> = {}) => ({
    aud: ISSUER,
    sub: 'repo:acme/api:ref:refs/heads/main',
    repository: 'acme/api',
    ref: 'refs/heads/main',
    jti: randomUUID(),
    iat: NOW - 5,
    exp: NOW + 300,
    ...extra,
  });

  const clientCredentials = (
    assertion: string,
    clientId = 'ci-deployer',
    extra: Record<string, string> = {},
  ) =>
    f.app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...extra },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
        scope: 'deploy',
      }).toString(),
    });

  async function refused(assertion: string, clientId?: string) {
    const response = await clientCredentials(assertion, clientId);
    assert.equal(response.statusCode, 401, response.body);
    assert.equal(response.json().error, 'invalid_client');
  }

  test('a GitHub Actions token authenticates the deployer: client_credentials with no stored secret', async () => {
    const response = await clientCredentials(github.sign(githubClaims()));
    assert.equal(response.statusCode, 200, response.body);
    const claims = JSON.parse(
      Buffer.from(response.json().access_token.split('.')[1], 'base64url').toString(),
    );
    assert.equal(claims.client_id, 'ci-deployer');
    assert.equal(claims.scope, 'deploy');
  });

  test('a Kubernetes service-account token authenticates its client; the token endpoint is an accepted aud', async () => {
    const assertion = kube.sign({
      aud: [`${ISSUER}/token`],
      sub: 'system:serviceaccount:prod:billing',
      jti: randomUUID(),
      iat: NOW - 5,
      exp: NOW + 300,
    });
    // The rule's audience is the issuer; the token endpoint alone does not satisfy it.
    await refused(assertion, 'billing-job');
    const both = kube.sign({
      aud: [ISSUER, `${ISSUER}/token`],
      sub: 'system:serviceaccount:prod:billing',
      jti: randomUUID(),
      iat: NOW - 5,
      exp: NOW + 300,
    });
    const response = await clientCredentials(both, 'billing-job');
    assert.equal(response.statusCode, 200, response.body);
  });

  test('D3: a replayed client assertion is refused', async () => {
    const assertion = github.sign(githubClaims());
    assert.equal((await clientCredentials(assertion)).statusCode, 200);
    await refused(assertion);
  });

  test('D3: an assertion used as a client assertion cannot be used again for the jwt-bearer grant', async () => {
    const assertion = github.sign(githubClaims());
    assert.equal((await clientCredentials(assertion)).statusCode, 200);
    const grant = await f.app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: JWT_BEARER,
        client_id: 'ci-deployer',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: github.sign(githubClaims()),
        assertion,
      }).toString(),
    });
    assert.equal(grant.statusCode, 400, grant.body);
    assert.match(grant.json().error_description, /used before/);
  });

  test('D3: of many parallel uses of one client assertion, exactly one authenticates', async () => {
    const assertion = github.sign(githubClaims());
    const responses = await Promise.all(Array.from({ length: 10 }, () => clientCredentials(assertion)));
    assert.equal(responses.filter((r) => r.statusCode === 200).length, 1);
    assert.ok(responses.every((r) => r.statusCode === 200 || r.json().error === 'invalid_client'));
  });

  test('D3: a client assertion for another audience is refused (C4)', async () => {
    await refused(github.sign(githubClaims({ aud: 'https://someone-else.example.com' })));
    // Naming us and another party is refused too: it could be replayed there.
    await refused(github.sign(githubClaims({ aud: [ISSUER, 'https://someone-else.example.com'] })));
  });

  test('D3: a client assertion from an untrusted issuer is refused', async () => {
    // No rule names its issuer, so it is no workload assertion: private_key_jwt reads it and refuses
    // (its sub is not the client_id the request names).
    const response = await clientCredentials(stranger.sign(githubClaims()));
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(response.json().access_token, undefined);
    assert.match(response.json().error_description, /client_id/);
    // Even when the stranger copies the client id into sub, it is not a key the client registered.
    await refused(stranger.sign(githubClaims({ sub: 'ci-deployer' })));
  });

  test('D3: a client assertion whose claims do not meet the rule is refused', async () => {
    await refused(github.sign(githubClaims({ ref: 'refs/heads/feature' })));
    await refused(github.sign(githubClaims({ repository: 'acme/other' })));
  });

  test('D3: a client assertion for another client is refused (the rule maps it to ci-deployer)', async () => {
    await refused(github.sign(githubClaims()), 'billing-job');
  });

  test('D3: a client assertion with a long exp is refused, though the rule allows an hour', async () => {
    await refused(github.sign(githubClaims({ exp: NOW + 1800 })));
  });

  test('a refused client assertion does not spend its jti', async () => {
    const jti = randomUUID();
    await refused(github.sign(githubClaims({ jti, aud: 'https://someone-else.example.com' })));
    const response = await clientCredentials(github.sign(githubClaims({ jti })));
    assert.equal(response.statusCode, 200, response.body);
  });

  test('client_id is required: the assertion names the workload, not the client', async () => {
    const response = await f.app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: github.sign(githubClaims()),
      }).toString(),
    });
    assert.equal(response.statusCode, 401, response.body);
    assert.match(response.json().error_description, /client_id/);
  });

  test('C2: a client secret besides a workload assertion is two methods', async () => {
    const response = await clientCredentials(github.sign(githubClaims()), 'ci-deployer', {
      authorization: `Basic ${Buffer.from('ci-deployer:secret').toString('base64')}`,
    });
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(response.json().error, 'invalid_request');
  });

  test('discovery advertises the method', async () => {
    const doc = (await f.app.inject({ url: '/.well-known/openid-configuration' })).json();
    assert.ok(doc.token_endpoint_auth_methods_supported.includes('workload_identity_jwt'));
  });
});
