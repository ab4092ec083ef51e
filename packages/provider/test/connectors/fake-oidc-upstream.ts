import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJwk, generateKeyPair, type JoseKey, signJwt } from '@latchkey/oidc';

/** The person the fake upstream signs in, and what its ID token says; a test changes them at will. */
export interface UpstreamUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
  groups?: string[];
  amr?: string[];
}

interface Issued {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly nonce: string | undefined;
  readonly user: UpstreamUser;
}

/**
 * A small OpenID Provider written for the tests, on a loopback port: discovery, JWKS, an authorization
 * endpoint that signs the current `user` in at once and redirects back with a code, `state` and RFC 9207
 * `iss`, and a token endpoint that checks PKCE and issues an ID token. `tamper` lets an attack test
 * change the ID token's claims (wrong aud, nonce, iss) or sign it with another key.
 */
export class FakeOidcUpstream {
  user: UpstreamUser = {
    sub: 'upstream-alice',
    email: 'alice@corp.example',
    email_verified: true,
    name: 'Alice Upstream',
  };
  tamper: (claims: Record<string, unknown>) => Record<string, unknown> = (c) => c;
  /** Sign with a key the JWKS does not publish. */
  foreignKey = false;
  /** What the UserInfo endpoint says (default: the signed-in user's sub and name). */
  userinfo: (() => Record<string, unknown>) | undefined;
  /** Answer every request with 503 (an upstream that is down). */
  down = false;
  /** The last authorization request's parameters. */
  lastAuthorize: URLSearchParams | undefined;
  private readonly codes = new Map<string, Issued>();
  private server: Server | undefined;
  private keys!: { privateKey: JoseKey; publicJwk: Record<string, unknown> };
  private otherKey!: JoseKey;
  issuer = '';

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    /** Epoch seconds: the provider's (frozen) clock, so tokens are fresh for it. */
    readonly now: () => number,
  ) {}

  async start(): Promise<this> {
    const pair = await generateKeyPair('ES256', { kid: 'upstream-1' });
    this.keys = {
      privateKey: pair.privateKey,
      publicJwk: exportJwk(pair.publicKey) as Record<string, unknown>,
    };
    this.otherKey = (await generateKeyPair('ES256', { kid: 'upstream-1' })).privateKey;
    this.server = createServer((req, res) => {
      void this.handle(req.method ?? 'GET', new URL(req.url ?? '/', this.issuer), req, res);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    this.issuer = `http://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(
    method: string,
    url: URL,
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ): Promise<void> {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (this.down) return json(503, { error: 'temporarily_unavailable' });
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.issuer}/authorize`,
        token_endpoint: `${this.issuer}/token`,
        jwks_uri: `${this.issuer}/jwks`,
        userinfo_endpoint: `${this.issuer}/userinfo`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [this.keys.publicJwk] });
    if (url.pathname === '/authorize') {
      const p = url.searchParams;
      this.lastAuthorize = p;
      const code = randomBytes(16).toString('base64url');
      this.codes.set(code, {
        clientId: p.get('client_id') ?? '',
        redirectUri: p.get('redirect_uri') ?? '',
        challenge: p.get('code_challenge') ?? '',
        nonce: p.get('nonce') ?? undefined,
        user: { ...this.user },
      });
      const back = new URL(p.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.get('state') ?? '');
      back.searchParams.set('iss', this.issuer);
      res.writeHead(302, { location: back.href });
      return void res.end();
    }
    if (url.pathname === '/token' && method === 'POST') {
      const body = new URLSearchParams(await readBody(req));
      const basic = Buffer.from(
        (req.headers.authorization ?? '').replace(/^Basic /, ''),
        'base64',
      ).toString();
      const issued = this.codes.get(body.get('code') ?? '');
      this.codes.delete(body.get('code') ?? '');
      const verifier = body.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const [id, secret] = basic.split(':').map(decodeURIComponent);
      if (
        issued === undefined ||
        id !== this.clientId ||
        secret !== this.clientSecret ||
        issued.clientId !== this.clientId ||
        challenge !== issued.challenge ||
        body.get('redirect_uri') !== issued.redirectUri
      ) {
        return json(400, { error: 'invalid_grant' });
      }
      const now = this.now();
      const claims = this.tamper({
        iss: this.issuer,
        aud: this.clientId,
        iat: now,
        exp: now + 300,
        ...(issued.nonce === undefined ? {} : { nonce: issued.nonce }),
        ...issued.user,
      });
      const idToken = signJwt(claims, this.foreignKey ? this.otherKey : this.keys.privateKey);
      return json(200, {
        access_token: `at-${issued.user.sub}`,
        token_type: 'Bearer',
        expires_in: 300,
        id_token: idToken,
      });
    }
    if (url.pathname === '/userinfo') {
      return json(200, this.userinfo?.() ?? { sub: this.user.sub, locale: 'en-GB', name: 'From UserInfo' });
    }
    json(404, { error: 'not_found' });
  }
}

function readBody(req: import('node:http').IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk: Buffer) => {
      data += chunk.toString();
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
