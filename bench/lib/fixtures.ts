/**
 * What every server under test registers, and what its ready message reports: the same clients and
 * users on both systems, so each scenario sends the same requests to each.
 */
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';
export const API_RESOURCE = 'https://api.example.com';
/** A user whose password is hashed with the provider's production argon2id parameters. */
export const USER = { username: 'alice', password: 'correct horse battery staple' } as const;
/**
 * A user whose argon2id hash uses the smallest parameters argon2 allows (m = 8 KiB, t = 1): the login
 * still verifies a password, but the hash no longer dominates a flow ("without argon2id cost").
 */
export const CHEAP_USER = { username: 'bob', password: 'correct horse battery staple' } as const;

export interface ClientCredentials {
  readonly clientId: string;
  readonly secret: string;
}

/** What the suite sends a server process first: whom to register. */
export interface ServerSetup {
  readonly redirectUri: string;
  readonly resource: string;
  /**
   * argon2id PHC strings, hashed here rather than in the server, so the server's idle RSS is that of
   * `latchkey serve` (which hashes nothing at start), not of a process that just ran a 19 MiB hash.
   */
  readonly user: { readonly username: string; readonly passwordHash: string };
  readonly cheapUser: { readonly username: string; readonly passwordHash: string };
}

/** The provider's parameters (packages/provider/src/users/password.ts, OWASP) and argon2's minimum. */
const PRODUCTION_ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const MINIMAL_ARGON2ID = { algorithm: 2, memoryCost: 8, timeCost: 1, parallelism: 1 } as const;

export async function serverSetup(): Promise<ServerSetup> {
  const { hash } = await import('@node-rs/argon2');
  return {
    redirectUri: REDIRECT_URI,
    resource: API_RESOURCE,
    user: { username: USER.username, passwordHash: await hash(USER.password, PRODUCTION_ARGON2ID) },
    cheapUser: {
      username: CHEAP_USER.username,
      passwordHash: await hash(CHEAP_USER.password, MINIMAL_ARGON2ID),
    },
  };
}

/** Sent by a server process over IPC once it listens. */
export interface ServerReady {
  readonly type: 'ready';
  readonly url: string;
  /** The server's own address when `url` is a proxy in front of it (a cluster instance). */
  readonly direct?: string;
  /** The code-flow client: authorization_code + refresh_token, openid profile email offline_access. */
  readonly web: ClientCredentials;
  /** client_credentials clients by the access token algorithm they get. */
  readonly service: { readonly ES256: ClientCredentials; readonly RS256: ClientCredentials };
}

export function basicAuth(client: ClientCredentials): string {
  const encode = (value: string) => encodeURIComponent(value);
  return `Basic ${Buffer.from(`${encode(client.clientId)}:${encode(client.secret)}`).toString('base64')}`;
}
