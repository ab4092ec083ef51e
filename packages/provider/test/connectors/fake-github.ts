import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface GithubUser {
  id: number;
  login: string;
  name?: string;
  emails: { email: string; verified: boolean; primary: boolean }[];
}

/**
 * A small OAuth 2.0 server in the GitHub shape, on a loopback port: /login/oauth/authorize signs the
 * current `user` in at once; /login/oauth/access_token checks the client secret, redirect URI and PKCE
 * and answers JSON; /user and /user/emails answer for the access token.
 */
export class FakeGithub {
  user: GithubUser = {
    id: 1001,
    login: 'octo',
    name: 'Octo Cat',
    emails: [{ email: 'octo@users.example', verified: true, primary: true }],
  };
  /** Answer the user API with a body far over any sane size. */
  huge = false;
  private readonly codes = new Map<string, { challenge: string; redirectUri: string; user: GithubUser }>();
  private readonly tokens = new Map<string, GithubUser>();
  private server: Server | undefined;
  url = '';

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body, location }) => {
        res.writeHead(status, location ? { location } : { 'content-type': 'application/json' });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body?: unknown; location?: string }> {
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname === '/login/oauth/authorize') {
      const p = url.searchParams;
      const code = randomBytes(16).toString('base64url');
      this.codes.set(code, {
        challenge: p.get('code_challenge') ?? '',
        redirectUri: p.get('redirect_uri') ?? '',
        user: structuredClone(this.user),
      });
      const back = new URL(p.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.get('state') ?? '');
      return { status: 302, location: back.href };
    }
    if (url.pathname === '/login/oauth/access_token') {
      const body = new URLSearchParams(await readBody(req));
      const issued = this.codes.get(body.get('code') ?? '');
      this.codes.delete(body.get('code') ?? '');
      const challenge = createHash('sha256')
        .update(body.get('code_verifier') ?? '')
        .digest('base64url');
      if (
        issued === undefined ||
        body.get('client_id') !== this.clientId ||
        body.get('client_secret') !== this.clientSecret ||
        body.get('redirect_uri') !== issued.redirectUri ||
        challenge !== issued.challenge
      ) {
        return { status: 200, body: { error: 'bad_verification_code' } };
      }
      const token = `gho_${randomBytes(12).toString('hex')}`;
      this.tokens.set(token, issued.user);
      return {
        status: 200,
        body: { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' },
      };
    }
    const user = this.tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (user === undefined) return { status: 401, body: { message: 'Bad credentials' } };
    if (url.pathname === '/user' && this.huge)
      return { status: 200, body: { id: 1, padding: 'x'.repeat(1_000_000) } };
    if (url.pathname === '/user')
      return {
        status: 200,
        body: {
          id: user.id,
          login: user.login,
          name: user.name ?? null,
          email: user.emails[0]?.email ?? null,
        },
      };
    if (url.pathname === '/user/emails') return { status: 200, body: user.emails };
    return { status: 404, body: { message: 'Not Found' } };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk: Buffer) => {
      data += chunk.toString();
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
