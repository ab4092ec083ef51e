// Workload identity federation (RFC 7523 §2.1): a fake GitHub Actions issuer and a fake Kubernetes
// service-account issuer on loopback sign tokens; trust rules in the configuration map them to machine
// clients. Checklist D3: replay, untrusted issuer, wrong audience, long exp — each refused.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '@latchkey/oidc';
import { createClient } from '@latchkey/provider';
import { testProviderApp } from '../helpers/fixtures.js';
import { type FakeIssuer, startFakeIssuer } from './fake-issuer.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const AUDIENCE = 'https://latchkey.example.com';
const DEPLOY_API = 'https://deploy.example.com';
const BILLING_API = 'https://billing.example.com';
const NOW = 1_800_000_000;

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
}

describe('JWT bearer grant with workload identity', () => {
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
              audience: AUDIENCE,
              claims: { repository: 'acme/api', ref: ['refs/heads/main', 'refs/tags/v*'] },
              clientId: 'ci-deployer',
              scopes: ['deploy'],
              resources: [DEPLOY_API],
              maxLifetime: 600,
            },
            {
              name: 'kube-billing',
              issuer: kube.issuer,
              jwksUri: `${kube.issuer}/jwks`,
              audience: AUDIENCE,
              claims: { sub: 'system:serviceaccount:prod:billing', 'kubernetes.io': { namespace: 'prod' } },
              clientId: 'billing-job',
              scopes: ['invoices:write'],
              resources: [BILLING_API],
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
        public: true,
        grantTypes: [JWT_BEARER],
        scopes: ['deploy', 'invoices:write'],
      });
    }
  });
  after(async () => {
    await f.close();
    await Promise.all([github.close(), kube.close(), stranger.close()]);
  });

  const githubClaims = (extra: Record<string, unknown> = {}) => ({
    aud: AUDIENCE,
    sub: 'repo:acme/api:ref:refs/heads/main',
    repository: 'acme/api',
    ref: 'refs/heads/main',
    workflow: 'deploy',
    jti: randomUUID(),
    iat: NOW - 5,
    nbf: NOW - 5,
    exp: NOW + 300,
    ...extra,
  });

  const kubeClaims = (extra: Record<string, unknown> = {}) => ({
    aud: [AUDIENCE],
    sub: 'system:serviceaccount:prod:billing',
    'kubernetes.io': { namespace: 'prod', serviceaccount: { name: 'billing', uid: randomUUID() } },
    jti: randomUUID(),
    iat: NOW - 5,
    exp: NOW + 3000,
    ...extra,
  });

  const grant = (assertion: string, clientId = 'ci-deployer', extra: Record<string, string> = {}) =>
    f.app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: JWT_BEARER,
        assertion,
        client_id: clientId,
        ...extra,
      }).toString(),
    });

  async function refused(assertion: string, pattern: RegExp, clientId?: string) {
    const response = await grant(assertion, clientId);
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(response.json().error, 'invalid_grant');
    assert.match(response.json().error_description, pattern);
  }

  test('a GitHub Actions token from main gets the deployer an access token for its API', async () => {
    const response = await grant(github.sign(githubClaims()));
    assert.equal(response.statusCode, 200, response.body);
    const claims = claimsOf(response.json().access_token);
    assert.equal(claims.sub, 'ci-deployer');
    assert.equal(claims.client_id, 'ci-deployer');
    assert.equal(claims.aud, DEPLOY_API);
    assert.equal(claims.scope, 'deploy');
    const [event] = await f.stores.audit.list({ limit: 1, type: 'workload.token_issued' });
    assert.equal(event?.details?.rule, 'github-deploy');
    assert.equal(event?.details?.subject, 'repo:acme/api:ref:refs/heads/main');
  });

  test('a glob condition matches a release tag', async () => {
    const response = await grant(github.sign(githubClaims({ ref: 'refs/tags/v1.2.3' })));
    assert.equal(response.statusCode, 200, response.body);
  });

  test('a Kubernetes service-account token matching the rule gets the billing job a token', async () => {
    const response = await grant(kube.sign(kubeClaims()), 'billing-job');
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(claimsOf(response.json().access_token).aud, BILLING_API);
  });

  test('D3: claims the rule does not allow are refused (another branch, another namespace)', async () => {
    await refused(github.sign(githubClaims({ ref: 'refs/heads/feature' })), /No trust rule/);
    await refused(github.sign(githubClaims({ repository: 'acme/other' })), /No trust rule/);
    await refused(
      kube.sign(kubeClaims({ 'kubernetes.io': { namespace: 'dev' } })),
      /No trust rule/,
      'billing-job',
    );
  });

  test('D3: a replayed assertion is refused', async () => {
    const assertion = github.sign(githubClaims());
    assert.equal((await grant(assertion)).statusCode, 200);
    await refused(assertion, /used before/);
  });

  test('D3: of many parallel uses of one assertion, exactly one gets a token', async () => {
    const assertion = github.sign(githubClaims());
    const responses = await Promise.all(Array.from({ length: 10 }, () => grant(assertion)));
    assert.equal(responses.filter((r) => r.statusCode === 200).length, 1);
  });

  test('D3: an assertion from an untrusted issuer is refused', async () => {
    await refused(stranger.sign(githubClaims()), /trusted issuer/);
  });

  test('D3: an assertion for another audience is refused', async () => {
    await refused(github.sign(githubClaims({ aud: 'https://someone-else.example.com' })), /audience/);
  });

  test('D3: an assertion living longer than the rule allows is refused', async () => {
    await refused(github.sign(githubClaims({ exp: NOW + 3600 })), /longer/);
  });

  test('an expired assertion, or one not signed by the issuer key, is refused', async () => {
    await refused(github.sign(githubClaims({ iat: NOW - 400, exp: NOW - 100 })), /invalid/);
    const { privateKey } = await generateKeyPair('RS256');
    await refused(github.sign(githubClaims(), privateKey), /invalid/);
  });

  test('an assertion that stands for another client is refused', async () => {
    await refused(github.sign(githubClaims()), /another|this client/, 'billing-job');
  });

  test('a scope or resource the rule does not allow is refused', async () => {
    const scope = await grant(github.sign(githubClaims()), 'ci-deployer', { scope: 'invoices:write' });
    assert.equal(scope.json().error, 'invalid_scope');
    const resource = await grant(github.sign(githubClaims()), 'ci-deployer', { resource: BILLING_API });
    assert.equal(resource.json().error, 'invalid_target');
  });
});
