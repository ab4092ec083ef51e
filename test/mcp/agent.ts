/**
 * An agent built on the official MCP SDK client, with no pre-registration: an OAuthClientProvider that
 * keeps everything in memory and, when the SDK wants the user to authorize, records the URL. The test
 * then plays the user in Chromium and hands the code back (`finishAuth`), as a desktop agent would.
 */

import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';

export class InMemoryAgentAuth implements OAuthClientProvider {
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = '';
  #authorizationUrl: URL | undefined;
  /** Every registration the SDK made (dynamic registration only). */
  readonly registrations: OAuthClientInformationMixed[] = [];

  constructor(
    readonly redirectUrl: string,
    readonly clientMetadata: OAuthClientMetadata,
    /** Set: the agent identifies itself by this metadata document URL (CIMD) when the server supports it. */
    readonly clientMetadataUrl?: string,
  ) {}

  clientInformation() {
    return this.#client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.#client = info;
    if ('registration_access_token' in info || 'client_id_issued_at' in info) this.registrations.push(info);
  }
  tokens() {
    return this.#tokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.#tokens = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.#authorizationUrl = url;
  }
  /** The authorization URL the SDK asked the user to open since the last call, if any. */
  takeAuthorizationUrl(): URL | undefined {
    const url = this.#authorizationUrl;
    this.#authorizationUrl = undefined;
    return url;
  }
  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }
  codeVerifier() {
    return this.#verifier;
  }
}

/** A connected SDK client over Streamable HTTP with `auth`. */
export async function connect(url: string, auth: InMemoryAgentAuth) {
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: auth });
  const client = new Client({ name: 'latchkey-test-agent', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** A transport that is only used to hand an authorization code to the SDK. */
export function transportFor(url: string, auth: InMemoryAgentAuth) {
  return new StreamableHTTPClientTransport(new URL(url), { authProvider: auth });
}
