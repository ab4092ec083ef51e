// The peer under test: node-oidc-provider (npm `oidc-provider`, the certified Node.js provider) with
// its recommended production settings and its built-in in-memory adapter (no persistence), or, with
// PEER_REDIS_URL set, the Redis adapter of its own example (bench/peer/redis-adapter.mjs): cookie
// signing keys set, PKCE (its default), the clients the suite sends. Features turned on only where a
// scenario needs them: client_credentials, introspection, revocation, resource indicators (its way to issue JWT
// access tokens, RFC 9068), refresh-token rotation on every use (as Latchkey does), and devInteractions
// (its built-in login and consent pages; they accept any password, so its flows never hash one).
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { freePort, receiveSetup, serve } from '../lib/server-entry.mjs';
import { redisAdapter } from './redis-adapter.mjs';

/** PEM first, then re-import: exporting a JWK from a fresh RSA KeyObject can deadlock on Node 20. */
function privateJwk(type, alg) {
  const encoding = {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  };
  const { privateKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048, ...encoding })
      : generateKeyPairSync('ec', { namedCurve: 'P-256', ...encoding });
  const jwk = createPrivateKey(privateKey).export({ format: 'jwk' });
  return { ...jwk, alg, use: 'sig', kid: `${alg.toLowerCase()}-${randomBytes(4).toString('hex')}` };
}

const setup = await receiveSetup();
const secret = () => randomBytes(24).toString('base64url');
const web = { clientId: 'web', secret: secret() };
const serviceEs = { clientId: 'service-es256', secret: secret() };
const serviceRs = { clientId: 'service-rs256', secret: secret() };

const redis = process.env.PEER_REDIS_URL ? redisAdapter(process.env.PEER_REDIS_URL) : undefined;
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const provider = new Provider(url, {
  ...(redis ? { adapter: redis.Adapter } : {}),
  clients: [
    {
      client_id: web.clientId,
      client_secret: web.secret,
      redirect_uris: [setup.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: 'openid profile email offline_access',
    },
    ...[serviceEs, serviceRs].map((client) => ({
      client_id: client.clientId,
      client_secret: client.secret,
      redirect_uris: [],
      grant_types: ['client_credentials'],
      response_types: [],
      scope: 'api',
    })),
  ],
  jwks: { keys: [privateJwk('rsa', 'RS256'), privateJwk('ec', 'ES256')] },
  cookies: { keys: [secret(), secret()] },
  scopes: ['openid', 'profile', 'email', 'offline_access', 'api'],
  claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
  findAccount: (_ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, name: id, email: `${id}@example.com`, email_verified: true }),
  }),
  rotateRefreshToken: true,
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Only the service clients get a default API audience; the web client's tokens stay for UserInfo.
      defaultResource: (_ctx, client) =>
        client?.grantTypes?.includes('client_credentials') ? setup.resource : undefined,
      useGrantedResource: () => false,
      getResourceServerInfo: (_ctx, _resource, client) => ({
        scope: 'api',
        audience: setup.resource,
        accessTokenTTL: 300,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: client.clientId === serviceRs.clientId ? 'RS256' : 'ES256' } },
      }),
    },
  },
});

const server = createServer(provider.callback());
server.keepAliveTimeout = 65_000;
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
serve({ type: 'ready', url, web, service: { ES256: serviceEs, RS256: serviceRs } }, async () => {
  await new Promise((resolve) => server.close(resolve));
  await redis?.close();
});
