import type { FastifyInstance } from 'fastify';
import { authenticateClient, type ClientAuthMethod } from '../../client-auth/index.js';
import type { Clock } from '../../lib/clock.js';
import { type ClientStore, type DeviceCodeStore, StoreConflictError } from '../../store/types.js';
import { checkResourceParameter } from '../../tokens/audience.js';
import { hashOpaqueToken } from '../../tokens/index.js';
import { ENDPOINT_PATHS, issuerBasePath } from '../paths.js';
import { checkFormBody } from '../token/checks.js';
import { checkDeviceAuthorizationRate, type DeviceAuthorizationLimits } from './check-rate.js';
import { checkDeviceGrantAllowed, checkDeviceScope } from './checks.js';
import { formatUserCode, generateUserCode } from './user-code.js';

export interface DeviceAuthorizationDeps {
  readonly issuer: string;
  readonly clients: Pick<ClientStore, 'get'>;
  readonly authMethods: readonly ClientAuthMethod[];
  readonly deviceCodes: Pick<DeviceCodeStore, 'create'>;
  readonly clock: Clock;
  readonly random: (n: number) => Buffer;
  /** config.device: lifetime of the codes and the polling interval, seconds. */
  readonly settings: { readonly codeLifetime: number; readonly interval: number };
  /** Checklist L3: device authorizations per client address and per client. */
  readonly limits: DeviceAuthorizationLimits;
}

/** 256 bits, like every opaque credential here (DESIGN rule 6); stored as its SHA-256. */
const DEVICE_CODE_BYTES = 32;
/** A fresh user code that collides with a live one is drawn again; this many collisions in a row is a bug. */
const MAX_USER_CODE_ATTEMPTS = 5;

/** RFC 6749 §5.1 applies to this response too: it carries a credential (the device code). */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/**
 * POST /device_authorization, RFC 8628 §3.1–§3.2: form body → the client authenticated as at the token
 * endpoint (§3.1: RFC 6749 §2.3 applies; public clients send their client_id) → allowed the device grant
 * → scope and resources checked → within the rates per address and per client (L3) → a device code (for the device) and a user code (for the person) that
 * live `codeLifetime` seconds, and the page where the person enters it.
 */
export function registerDeviceAuthorization(app: FastifyInstance, deps: DeviceAuthorizationDeps): void {
  const verificationUri = deps.issuer + ENDPOINT_PATHS.device;
  app.post(issuerBasePath(deps.issuer) + ENDPOINT_PATHS.deviceAuthorization, async (request, reply) => {
    const params = checkFormBody(request.form);
    const client = await authenticateClient(
      { authorization: request.headers.authorization, params },
      deps.clients,
      deps.authMethods,
    );
    checkDeviceGrantAllowed(client);
    const scopes = checkDeviceScope(params, client);
    const resources = checkResourceParameter(params, client, deps.issuer);
    const now = deps.clock();
    await checkDeviceAuthorizationRate(
      deps.limits,
      { ip: request.ip, clientId: client.clientId, now },
      reply,
    );

    const deviceCode = deps.random(DEVICE_CODE_BYTES).toString('base64url');
    const { codeLifetime, interval } = deps.settings;
    let userCode: string | undefined;
    for (let attempt = 0; userCode === undefined; attempt++) {
      const candidate = generateUserCode(deps.random);
      try {
        await deps.deviceCodes.create({
          deviceCodeHash: hashOpaqueToken(deviceCode),
          userCode: candidate,
          clientId: client.clientId,
          scopes,
          resources,
          status: 'pending',
          interval,
          lastPolledAt: null,
          userId: null,
          grantId: null,
          sid: null,
          authTime: null,
          createdAt: now,
          expiresAt: now + codeLifetime,
        });
        userCode = candidate;
      } catch (error) {
        const collision = error instanceof StoreConflictError && error.field === 'user_code';
        if (!collision || attempt + 1 >= MAX_USER_CODE_ATTEMPTS) throw error;
      }
    }
    const shown = formatUserCode(userCode);
    return reply
      .code(200)
      .headers(NO_STORE)
      .type('application/json; charset=utf-8')
      .send({
        device_code: deviceCode,
        user_code: shown,
        verification_uri: verificationUri,
        // RFC 8628 §3.3.1: the same page with the code filled in (for a QR code or a link).
        verification_uri_complete: `${verificationUri}?user_code=${encodeURIComponent(shown)}`,
        expires_in: codeLifetime,
        interval,
      });
  });
}
