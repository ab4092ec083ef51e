import { bearerChallenge } from '@latchkey/oidc';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type CreateClientInput, createClient } from '../../admin/clients/create.js';
import type { ClientAuthMethod } from '../../client-auth/index.js';
import type { RegistrationConfig } from '../../config/types.js';
import { errorResponse, InvalidClientMetadata, OAuthError } from '../../errors/index.js';
import type { GrantDefinition } from '../../grants/index.js';
import type { Clock } from '../../lib/clock.js';
import type { ClientRecord, ProviderStores } from '../../store/types.js';
import { hashOpaqueToken } from '../../tokens/index.js';
import { ENDPOINT_PATHS, issuerBasePath } from '../paths.js';
import {
  checkInitialAccessToken,
  checkRegistrationAccessToken,
  checkRegistrationRate,
  REGISTRATION_WINDOW,
} from './checks.js';
import { clientMetadataResponse, isAdminError, readClientMetadata, registrationError } from './metadata.js';
import { applySoftwareStatement } from './software-statement.js';

export interface RegistrationDeps {
  readonly issuer: string;
  readonly settings: RegistrationConfig;
  readonly stores: Pick<
    ProviderStores,
    'users' | 'clientRegistrations' | 'initialAccessTokens' | 'throttles' | 'audit'
  >;
  readonly grants: readonly GrantDefinition[];
  readonly authMethods: readonly ClientAuthMethod[];
  readonly clock: Clock;
  readonly random: (n: number) => Buffer;
  /** Called after a client changed or was deleted, so cached copies are dropped. */
  readonly onClientChanged?: (clientId: string) => void;
}

/** 256 bits, like every bearer credential the provider hands out. */
const REGISTRATION_TOKEN_BYTES = 32;

/**
 * Dynamic client registration (RFC 7591 §3) at POST /register, and its management (RFC 7592) at
 * /register/<client_id> with the registration access token. `registration.mode` decides who may
 * register: nobody (no route at all), holders of a single-use initial access token, or anybody,
 * rate-limited per address. What a registered client may be granted is the configured policy's.
 */
export function registerRegistration(app: FastifyInstance, deps: RegistrationDeps): void {
  if (deps.settings.mode === 'disabled') return;
  const path = issuerBasePath(deps.issuer) + ENDPOINT_PATHS.registration;
  const nowMs = () => deps.clock() * 1000;
  const clientUri = (clientId: string) =>
    `${deps.issuer}${ENDPOINT_PATHS.registration}/${encodeURIComponent(clientId)}`;

  app.post(path, (request, reply) =>
    answer(request, reply, deps, async () => {
      const now = deps.clock();
      if (deps.settings.mode === 'open') {
        await checkRegistrationRate(deps.stores.throttles, request.ip, deps.settings.rateLimit, now);
      }
      const body = await applySoftwareStatement(
        jsonBody(request),
        deps.settings.softwareStatementIssuers,
        nowMs,
      );
      const client = await validatedClient(deps, readClientMetadata(body, deps.settings));
      // Only a valid request spends its initial access token: bad input changes nothing.
      if (deps.settings.mode === 'token') {
        await checkInitialAccessToken(deps.stores.initialAccessTokens, request.headers.authorization, now);
      }
      const registrationToken = deps.random(REGISTRATION_TOKEN_BYTES).toString('base64url');
      await deps.stores.clientRegistrations.create({
        client: client.record,
        registrationTokenHash: hashOpaqueToken(registrationToken),
        createdAt: now,
      });
      await deps.stores.audit.append({
        type: 'client.registered',
        at: now,
        clientId: client.record.clientId,
        ip: request.ip,
        details: { mode: deps.settings.mode },
      });
      return reply.code(201).send({
        ...clientMetadataResponse(client.record),
        ...(client.secret === null ? {} : { client_secret: client.secret, client_secret_expires_at: 0 }),
        registration_access_token: registrationToken,
        registration_client_uri: clientUri(client.record.clientId),
      });
    }),
  );

  const managed = `${path}/:clientId`;
  app.get<{ Params: { clientId: string } }>(managed, (request, reply) =>
    answer(request, reply, deps, async () => {
      const { client } = await checkRegistrationAccessToken(
        deps.stores.clientRegistrations,
        request.params.clientId,
        request.headers.authorization,
      );
      return reply.send({
        ...clientMetadataResponse(client),
        registration_client_uri: clientUri(client.clientId),
      });
    }),
  );

  app.put<{ Params: { clientId: string } }>(managed, (request, reply) =>
    answer(request, reply, deps, async () => {
      const { client: current } = await checkRegistrationAccessToken(
        deps.stores.clientRegistrations,
        request.params.clientId,
        request.headers.authorization,
      );
      const body = await applySoftwareStatement(
        jsonBody(request),
        deps.settings.softwareStatementIssuers,
        nowMs,
      );
      // RFC 7592 §2.2: the body names the client it replaces.
      if ((body as Record<string, unknown>)['client_id'] !== current.clientId) {
        throw new InvalidClientMetadata('client_id must name the client being updated');
      }
      const input = { ...readClientMetadata(body, deps.settings), clientId: current.clientId };
      const { record } = await validatedClient(deps, input);
      // The secret (if any) stays: RFC 7592 §2.2 lets the server keep it, and it exists only hashed.
      const updated: ClientRecord = {
        ...record,
        secretHash: record.secretHash === null ? null : current.secretHash,
        createdAt: current.createdAt,
      };
      if (record.secretHash !== null && current.secretHash === null) {
        throw new InvalidClientMetadata('A public client cannot become confidential; register anew');
      }
      await deps.stores.clientRegistrations.replaceClient(updated);
      deps.onClientChanged?.(current.clientId);
      return reply.send({
        ...clientMetadataResponse(updated),
        registration_client_uri: clientUri(updated.clientId),
      });
    }),
  );

  app.delete<{ Params: { clientId: string } }>(managed, (request, reply) =>
    answer(request, reply, deps, async () => {
      const { client } = await checkRegistrationAccessToken(
        deps.stores.clientRegistrations,
        request.params.clientId,
        request.headers.authorization,
      );
      await deps.stores.clientRegistrations.delete(client.clientId);
      deps.onClientChanged?.(client.clientId);
      await deps.stores.audit.append({
        type: 'client.unregistered',
        at: deps.clock(),
        clientId: client.clientId,
        ip: request.ip,
      });
      return reply.code(204).send();
    }),
  );
}

function jsonBody(request: FastifyRequest): unknown {
  const type = String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/json') {
    throw new InvalidClientMetadata('Send the client metadata as application/json (RFC 7591 §3.1)');
  }
  return request.body;
}

/**
 * The client service validates the metadata and builds the record exactly as for a client an
 * operator creates (one set of rules: redirect URIs, grant types, authentication methods, keys); the
 * record is captured instead of stored, so the client and its registration go in one transaction.
 */
async function validatedClient(
  deps: RegistrationDeps,
  input: CreateClientInput,
): Promise<{ record: ClientRecord; secret: string | null }> {
  let record: ClientRecord | undefined;
  const capture = {
    users: deps.stores.users,
    clients: {
      create: async (client: ClientRecord) => {
        record = client;
      },
      get: async () => undefined,
      list: async () => [],
      delete: async () => false,
      update: async () => false,
    },
    // The endpoint audits the registration itself, once it is stored (client.registered).
    audit: {
      append: async () => {},
      list: async () => [],
      countSince: async () => 0,
      deleteBefore: async () => 0,
    },
  };
  try {
    const { secret } = await createClient(capture, input, {
      now: deps.clock,
      random: deps.random,
      grants: deps.grants,
      authMethods: deps.authMethods,
    });
    return { record: record!, secret };
  } catch (error) {
    if (isAdminError(error)) throw registrationError(error);
    throw error;
  }
}

/** Runs a handler; its OAuth errors go out as RFC 7591 §3.2.2 JSON, with a Bearer challenge on 401. */
async function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: RegistrationDeps,
  handle: () => Promise<FastifyReply>,
): Promise<FastifyReply> {
  reply.header('cache-control', 'no-store');
  try {
    return await handle();
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    request.log.info({ error: error.error, debug: error.debug }, 'registration request refused');
    const response = errorResponse(error);
    const headers: Record<string, string> = { ...response.headers };
    if (response.status === 401) {
      headers['www-authenticate'] = bearerChallenge({
        realm: deps.issuer,
        error: 'invalid_token',
        errorDescription: response.body.error_description,
      });
    }
    if (response.status === 429) headers['retry-after'] = String(REGISTRATION_WINDOW);
    return reply.code(response.status).headers(headers).send(response.body);
  }
}
