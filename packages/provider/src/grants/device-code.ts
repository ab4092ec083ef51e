import { parseClaimsRequest } from '../claims/index.js';
import {
  AuthorizationPending,
  DeviceAccessDenied,
  ExpiredToken,
  InvalidGrant,
  SlowDown,
} from '../errors/index.js';
import type { ClientRecord, DeviceCodeRecord } from '../store/types.js';
import { hashOpaqueToken } from '../tokens/index.js';
import { checkGrantLive, checkUserActive } from './authorization-code.js';
import type { GrantDefinition, GrantRequest, GrantServices, TokenResponseBody } from './grant.js';
import { signInTokenResponse } from './sign-in-response.js';

/** RFC 8628 §3.5: a device told to slow down waits this many seconds more, from then on. */
export const SLOW_DOWN_STEP = 5;

const UNKNOWN = 'The device code is invalid or was already used';

/** RFC 8628 §3.4: the device code is one this provider issued. */
export function checkDeviceCodeFound(record: DeviceCodeRecord | undefined): DeviceCodeRecord {
  if (record === undefined) throw new InvalidGrant(UNKNOWN, 'unknown device code');
  return record;
}

/** RFC 8628 §3.4 + RFC 6749 §5.2: a device code works only for the client it was issued to. */
export function checkDeviceCodeClient(record: DeviceCodeRecord, client: ClientRecord): void {
  if (record.clientId !== client.clientId) {
    throw new InvalidGrant(UNKNOWN, 'device code of another client');
  }
}

/** RFC 8628 §3.5 `expired_token`: at or after expiresAt the device must start over. */
export function checkDeviceCodeNotExpired(record: DeviceCodeRecord, now: number): void {
  if (now >= record.expiresAt) {
    throw new ExpiredToken('The device code has expired; start a new device authorization');
  }
}

/** RFC 8628 §3.5 `access_denied`: the person said no. */
export function checkNotDenied(record: DeviceCodeRecord): void {
  if (record.status === 'denied') throw new DeviceAccessDenied('The user denied the authorization request');
}

/** A device code is exchanged for tokens once (RFC 8628 §3.5; DESIGN rule 7). */
export function checkNotConsumed(record: DeviceCodeRecord): void {
  if (record.status === 'consumed') throw new InvalidGrant(UNKNOWN, 'device code already redeemed');
}

/**
 * RFC 8628 §3.5: while the person has not answered, `authorization_pending` — or `slow_down` when the
 * device polled sooner than its interval after the previous poll, which also raises the interval by
 * 5 seconds for this and every later poll (recorded with the poll).
 */
export async function checkPending(
  record: DeviceCodeRecord,
  now: number,
  deviceCodes: GrantServices['stores']['deviceCodes'],
): Promise<void> {
  if (record.status !== 'pending') return;
  if (record.lastPolledAt !== null && now - record.lastPolledAt < record.interval) {
    await deviceCodes.poll(record.deviceCodeHash, now, record.interval + SLOW_DOWN_STEP);
    throw new SlowDown(
      `Polling too fast: wait at least ${record.interval + SLOW_DOWN_STEP} seconds between polls`,
    );
  }
  throw new AuthorizationPending('The user has not yet approved the request');
}

/**
 * RFC 8628 §3.4–§3.5: the device polls with its device code. Every poll is recorded first (for
 * slow_down); then the code must be this client's, unexpired, not denied, not used, and approved. The
 * approved code is consumed atomically, so of two polls racing exactly one gets tokens.
 */
async function redeemDeviceCode(
  { client, params }: GrantRequest,
  services: GrantServices,
): Promise<TokenResponseBody> {
  const { stores, now } = services;
  const deviceCodeHash = hashOpaqueToken(params.require('device_code'));
  const at = now();
  const record = checkDeviceCodeFound(await stores.deviceCodes.poll(deviceCodeHash, at));
  checkDeviceCodeClient(record, client);
  checkDeviceCodeNotExpired(record, at);
  checkNotDenied(record);
  checkNotConsumed(record);
  await checkPending(record, at, stores.deviceCodes);

  if (
    !(await stores.deviceCodes.consume(deviceCodeHash, at)) ||
    record.grantId === null ||
    record.userId === null
  ) {
    throw new InvalidGrant(UNKNOWN, 'device code consumed by a concurrent poll');
  }
  const grant = checkGrantLive(await stores.grants.get(record.grantId));
  const user = checkUserActive(await stores.users.getById(record.userId));
  // The access token's amr/acr are those of the sign-in that approved it (OIDC Core §2).
  const session = record.sid === null ? undefined : await stores.sessions.getBySid(record.sid);
  return signInTokenResponse(
    services,
    { type: 'urn:ietf:params:oauth:grant-type:device_code', at },
    {
      client,
      user,
      grantId: grant.id,
      scopes: record.scopes,
      resources: record.resources,
      nonce: null,
      authTime: record.authTime ?? at,
      acr: session?.acr ?? null,
      amr: session?.amr ?? [],
      sid: record.sid,
      claimsRequest: parseClaimsRequest(null),
    },
  );
}

/** RFC 8628 §3.4: public clients (CLIs, TVs) may use it; nothing is redirected, so no redirect URI. */
export const deviceCodeGrant = {
  type: 'urn:ietf:params:oauth:grant-type:device_code',
  responseTypes: [],
  requiresRedirectUri: false,
  allowsPublicClients: true,
  implemented: true,
  handle: redeemDeviceCode,
} as const satisfies GrantDefinition;
