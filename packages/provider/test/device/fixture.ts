import { randomBytes } from 'node:crypto';
import { createClient, createUser, type ProviderConfigOverrides } from '@latchkey/provider';
import { normalizeUserCode } from '../../src/endpoints/device-authorization/user-code.js';
import { recordSession } from '../helpers/authorization.js';
import { type TestProviderAppOptions, testProviderApp } from '../helpers/fixtures.js';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const PASSWORD = 'correct horse battery staple';

/** What POST /device_authorization answers (RFC 8628 §3.2). */
export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/**
 * A provider app on a fresh SQLite database with a frozen clock, a user `alice` (with a password), a
 * public device client `tv` (device grant + refresh tokens), a second device client `box` and a web
 * client without the device grant. `approve`/`deny` answer a user code straight through the stores,
 * as the /device page does, so the token endpoint is tested on its own.
 */
export async function deviceFixture(
  overrides: ProviderConfigOverrides = {},
  options: Omit<TestProviderAppOptions, 'overrides'> = {},
) {
  const { app, clock, config, stores, close } = await testProviderApp({ ...options, overrides });
  const user = await createUser(
    stores,
    { username: 'alice', name: 'Alice Liddell', password: PASSWORD },
    { now: clock.now },
  );
  const device = { public: true, grantTypes: [DEVICE_GRANT, 'refresh_token'], scopes: ['openid', 'profile'] };
  await createClient(stores, { ...device, name: 'Living-room TV', clientId: 'tv' }, { now: clock.now });
  await createClient(
    stores,
    {
      ...device,
      name: 'Set-top box',
      clientId: 'box',
      allowedResources: ['https://api.example', 'https://reports.example'],
    },
    { now: clock.now },
  );
  await createClient(
    stores,
    { name: 'Web app', clientId: 'web', public: true, redirectUris: ['https://rp.example/cb'] },
    { now: clock.now },
  );

  const form = (path: string, body: Record<string, string | string[]>) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(body)) {
      for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
    }
    return app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: params.toString(),
    });
  };

  /** POST /device_authorization for `client_id` (default tv). */
  const authorize = (body: Record<string, string | string[]> = {}) =>
    form('/device_authorization', { client_id: 'tv', ...body });

  /** Starts a device authorization and returns its response body. */
  async function start(body: Record<string, string | string[]> = {}): Promise<DeviceAuthorization> {
    const response = await authorize(body);
    if (response.statusCode !== 200) throw new Error(`device authorization failed: ${response.body}`);
    return response.json();
  }

  /** One poll of the token endpoint (RFC 8628 §3.4). */
  const poll = (deviceCode: string, clientId = 'tv') =>
    form('/token', { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: clientId });

  /**
   * The person approves the user code, as the /device page does: signed in (a session), a grant
   * under that session, then pending → approved.
   */
  async function approve(userCode: string): Promise<string> {
    const code = normalizeUserCode(userCode)!;
    const pending = await stores.deviceCodes.getPendingByUserCode(code, clock.now());
    if (pending === undefined) throw new Error('no pending device code');
    const sid = await recordSession(stores.sessions, {
      userId: user.id,
      authTime: clock.now(),
      now: clock.now(),
    });
    const grantId = randomBytes(16).toString('base64url');
    await stores.grants.create({
      id: grantId,
      clientId: pending.clientId,
      userId: user.id,
      scopes: pending.scopes,
      resources: pending.resources,
      sid,
      createdAt: clock.now(),
      revokedAt: null,
    });
    const approved = await stores.deviceCodes.approve(
      code,
      { userId: user.id, grantId, sid, authTime: clock.now() },
      clock.now(),
    );
    if (!approved) throw new Error('approval lost');
    return grantId;
  }

  const deny = (userCode: string) => stores.deviceCodes.deny(normalizeUserCode(userCode)!, clock.now());

  return { app, clock, config, stores, user, close, form, authorize, start, poll, approve, deny };
}

export type DeviceFixture = Awaited<ReturnType<typeof deviceFixture>>;
