/**
 * The schemas of client registration settings: trust policies for Client ID Metadata Documents
 * (clients/client-policy.ts) and the policy of dynamic registration (RFC 7591).
 */

import type { Frozen } from '@latchkey/config-schema';
import { integer, json, list, oneOf, refined } from '@latchkey/config-schema';
import { type JwkSet, LocalKeySet } from '@latchkey/oidc';
import * as Type from 'typebox/type';

const HOST_PATTERN = '^(\\*|(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)$';
// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE_TOKEN = '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$';

const scopeName = () => Type.String({ pattern: SCOPE_TOKEN, problem: 'is not a scope name' });

/** RFC 8707 §2: an absolute URI without a fragment. */
const resourceIndicator = () =>
  refined(Type.String({ problem: 'is not a URI' }), (value) =>
    URL.canParse(value) && !value.includes('#') ? undefined : 'is not an absolute URI without a fragment',
  );

/**
 * A list of client trust policies: in a file, a list of mappings; in the environment, the same as
 * JSON. Each has `hosts` (required), `scopes` and `resources` (default none).
 */
export const clientPolicies = (options: Type.TSchemaOptions) =>
  json(
    Type.Array(
      Type.Object(
        {
          hosts: Type.Array(
            Type.String({ pattern: HOST_PATTERN, problem: 'is not "*", "*.example.com" or a host name' }),
            { minItems: 1, problem: 'must list "*", "*.example.com" or host names' },
          ),
          scopes: Type.Array(scopeName(), { default: [], problem: 'must be a list of scope names' }),
          resources: Type.Array(resourceIndicator(), {
            default: [],
            problem: 'must be a list of absolute URIs without a fragment',
          }),
        },
        { additionalProperties: false, problem: 'must be a mapping' },
      ),
      { problem: 'must be a list of policies (JSON in the environment)' },
    ),
    options,
  );

/** `registration.mode`: who may register clients at the registration endpoint. */
export const registrationMode = (options: Type.TSchemaOptions) =>
  oneOf(['disabled', 'token', 'open'], options);

export type RegistrationMode = Type.Static<ReturnType<typeof registrationMode>>;

/** A list of scope names (comma- or space-separated in the environment). */
export const scopeList = (options: Type.TSchemaOptions) =>
  list(scopeName(), 'must be a list of scope names', { separator: /[\s,]+/, ...options });

/** A list of RFC 8707 resource indicators (comma-separated in the environment). */
export const resourceList = (options: Type.TSchemaOptions) =>
  list(resourceIndicator(), 'must be a list of absolute URIs without a fragment', {
    separator: /[\s,]+/,
    ...options,
  });

const GRANT_TYPES = ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'];

/** Grant types a dynamically registered client may ask for. */
export const registrationGrantTypes = (options: Type.TSchemaOptions) =>
  list(
    Type.Enum(GRANT_TYPES, { problem: `is not one of ${GRANT_TYPES.join(', ')}` }),
    `must list grant types among ${GRANT_TYPES.join(', ')}`,
    { separator: /[\s,]+/, minItems: 1, ...options },
  );

/** A count of 1 to 10000 (registrations per address per hour). */
export const registrationRate = (options: Type.TSchemaOptions) =>
  integer(1, 10_000, 'must be a whole number from 1 to 10000', options);

/** `registration.softwareStatementIssuers`: a list of `{issuer, jwks}` (JSON in the environment). */
export const softwareStatementIssuers = (options: Type.TSchemaOptions) =>
  json(
    Type.Array(
      Type.Object(
        {
          issuer: Type.String({ minLength: 1, problem: 'must be a non-empty string' }),
          // The key set's own reader decides what a usable set of public signing keys is.
          jwks: refined(Type.Unsafe<JwkSet>(Type.Object({}, { problem: 'must be a JWK set' })), (jwks) => {
            try {
              LocalKeySet.fromJwks(jwks);
              return undefined;
            } catch {
              return 'must be a JWK set of public signing keys';
            }
          }),
        },
        { additionalProperties: false, problem: 'must be a mapping of issuer and jwks' },
      ),
      { problem: 'must be a list of {issuer, jwks} (JSON in the environment)' },
    ),
    options,
  );

/** An issuer of software statements (RFC 7591 §2.3) and the public keys its statements are signed with. */
export type SoftwareStatementIssuer = Frozen<
  Type.Static<ReturnType<typeof softwareStatementIssuers>>[number]
>;
