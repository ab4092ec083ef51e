// An external OIDC issuer on loopback (GitHub Actions or a Kubernetes cluster, as far as a relying
// party can tell): discovery and a JWKS over http on 127.0.0.1, and tokens signed by its key.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJwk, generateKeyPair, type JoseKey, signJwt } from '@latchkey/oidc';

export interface FakeIssuer {
  readonly issuer: string;
  /** A token with these claims (iss set), signed by the issuer's published key, or by `key`. */
  sign(claims: Record<string, unknown>, key?: JoseKey): string;
  close(): Promise<void>;
}

export async function startFakeIssuer(): Promise<FakeIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  let issuer = '';
  const server = createServer((req, res) => {
    const documents: Record<string, unknown> = {
      '/.well-known/openid-configuration': { issuer, jwks_uri: `${issuer}/jwks` },
      '/jwks': { keys: [exportJwk(publicKey)] },
    };
    const body = documents[req.url ?? ''];
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    sign: (claims, key = privateKey) => signJwt({ iss: issuer, ...claims }, key, { typ: 'JWT' }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
