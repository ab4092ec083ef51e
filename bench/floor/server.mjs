// The floor of the client_credentials scenarios: what any Node.js provider must at least do per token
// request on this machine, with nothing else — node:http alone reads the form POST, one node:crypto signature
// of an RFC 9068-shaped access token with a key imported once, a JSON answer. No framework, no client
// authentication, no store, no audit, no logging. It is not a contestant: the ratio of each system to
// it says how much of the machine's limit that system reaches. FLOOR_ALG picks ES256 (default) or RS256.
import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { freePort, receiveSetup, serve } from '../lib/server-entry.mjs';

const alg = process.env.FLOOR_ALG === 'RS256' ? 'RS256' : 'ES256';
const encoding = {
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
};
const pem = (
  alg === 'RS256'
    ? generateKeyPairSync('rsa', { modulusLength: 2048, ...encoding })
    : generateKeyPairSync('ec', { namedCurve: 'P-256', ...encoding })
).privateKey;
const key =
  alg === 'RS256' ? createPrivateKey(pem) : { key: createPrivateKey(pem), dsaEncoding: 'ieee-p1363' };
const header = Buffer.from(JSON.stringify({ alg, typ: 'at+jwt', kid: 'floor' })).toString('base64url');

await receiveSetup();
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const discovery = JSON.stringify({ issuer: url, token_endpoint: `${url}/token` });

function tokenResponse(form) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: url,
    sub: 'floor',
    aud: form.get('resource') ?? url,
    client_id: 'floor',
    scope: form.get('scope') ?? '',
    jti: randomUUID(),
    iat: now,
    exp: now + 300,
  };
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const token = `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
  return JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 300, scope: claims.scope });
}

const server = createServer((request, response) => {
  if (request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(discovery);
    return;
  }
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = tokenResponse(new URLSearchParams(Buffer.concat(chunks).toString()));
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
  });
});
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));

const none = { clientId: 'floor', secret: 'floor' };
serve(
  { type: 'ready', url, web: none, service: { ES256: none, RS256: none } },
  () => new Promise((resolve) => server.close(resolve)),
);
