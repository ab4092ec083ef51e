import type { CreateClientInput } from '../../admin/clients/create.js';
import { AdminError } from '../../admin/errors.js';
import type { RegistrationConfig } from '../../config/types.js';
import {
  InvalidClientMetadata,
  InvalidRedirectUri,
  type OAuthError,
  UnapprovedSoftwareStatement,
} from '../../errors/index.js';
import type { ClientRecord } from '../../store/types.js';

export type RegistrationPolicy = Pick<RegistrationConfig, 'scopes' | 'resources' | 'grantTypes'>;

const DEFAULT_NAME = 'Unnamed application';

/**
 * RFC 7591 §2: the client metadata of a registration request, as the client service's input. The
 * client asks; the policy decides: grant types must be among the policy's, and the scopes and
 * resources the client may use are the policy's whatever `scope` says (a later step-up asks for more
 * than the first registration named). Unknown metadata is ignored (§2). A software statement has been
 * applied before (software-statement.ts); one still here was never checked and is refused.
 */
export function readClientMetadata(body: unknown, policy: RegistrationPolicy): CreateClientInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidClientMetadata('The request body must be a JSON object of client metadata');
  }
  const m = body as Record<string, unknown>;
  if (m['software_statement'] !== undefined) {
    throw new UnapprovedSoftwareStatement('The software statement was not checked');
  }
  const method = optionalString(m, 'token_endpoint_auth_method') ?? 'client_secret_basic';
  const grantTypes = optionalStrings(m, 'grant_types') ?? ['authorization_code'];
  const refused = grantTypes.find((g) => !policy.grantTypes.includes(g));
  if (refused !== undefined) {
    throw new InvalidClientMetadata(`The grant type ${refused} may not be registered here`);
  }
  const responseTypes = optionalStrings(m, 'response_types') ?? ['code'];
  if (!responseTypes.every((t) => t === 'code')) {
    throw new InvalidClientMetadata('Only the code response type is supported');
  }
  const redirectUris = optionalStrings(m, 'redirect_uris') ?? [];
  // RFC 9700 §4.1.3: exact URIs only; a `*` anywhere is a pattern, which this server never matches.
  if (redirectUris.some((uri) => uri.includes('*'))) {
    throw new InvalidRedirectUri('Redirect URIs are compared exactly: wildcards are not allowed');
  }
  const jwks = m['jwks'];
  // A jwks_uri would make the provider fetch a URL anybody may register; keys come inline instead.
  if (m['jwks_uri'] !== undefined) {
    throw new InvalidClientMetadata('jwks_uri is not accepted at registration: send the public keys as jwks');
  }
  return {
    name: optionalString(m, 'client_name')?.trim() || DEFAULT_NAME,
    public: method === 'none',
    redirectUris,
    grantTypes,
    scopes: [...policy.scopes],
    allowedResources: [...policy.resources],
    tokenEndpointAuthMethod: method as CreateClientInput['tokenEndpointAuthMethod'] & string,
    ...(jwks === undefined ? {} : { jwks: jwks as NonNullable<CreateClientInput['jwks']> }),
  };
}

/** The client service's validation errors, as RFC 7591 §3.2.2 errors. */
export function registrationError(error: AdminError): OAuthError {
  const field = error.field ?? '';
  const message = error.message.replace(/^redirectUris/, 'redirect_uris');
  return field.startsWith('redirectUris')
    ? new InvalidRedirectUri(message)
    : new InvalidClientMetadata(message.replace(/^tokenEndpointAuthMethod/, 'token_endpoint_auth_method'));
}

export function isAdminError(error: unknown): error is AdminError {
  return error instanceof AdminError;
}

/** RFC 7591 §3.2.1 / RFC 7592 §3: the registered metadata, as the server holds it. */
export function clientMetadataResponse(client: ClientRecord): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_id_issued_at: client.createdAt,
    client_name: client.name,
    redirect_uris: [...client.redirectUris],
    grant_types: [...client.grantTypes],
    response_types: ['code'],
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    scope: client.scopes.join(' '),
    ...(client.jwksUri === null ? {} : { jwks_uri: client.jwksUri }),
    ...(client.jwks === null ? {} : { jwks: client.jwks }),
  };
}

function optionalString(m: Record<string, unknown>, name: string): string | undefined {
  const value = m[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidClientMetadata(`${name} must be a string`);
  return value;
}

function optionalStrings(m: Record<string, unknown>, name: string): string[] | undefined {
  const value = m[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string') || value.length > 20) {
    throw new InvalidClientMetadata(`${name} must be a list of at most 20 strings`);
  }
  return value;
}
