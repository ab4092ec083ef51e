import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTokenInspector } from '../../src/endpoints/introspection/inspect-token.js';
import type { GrantRecord, RefreshTokenRecord } from '../../src/store/types.js';

const GRANT: GrantRecord = {
  id: 'grant-1',
  clientId: 'web',
  userId: 'user-1',
  scopes: ['openid'],
  resources: [],
  sid: null,
  createdAt: 1,
  revokedAt: null,
};
const RECORD: RefreshTokenRecord = {
  tokenHash: 'hash',
  grantId: GRANT.id,
  clientId: 'web',
  userId: 'user-1',
  scopes: ['openid'],
  createdAt: 1,
  idleExpiresAt: 100,
  absoluteExpiresAt: 1000,
  rotatedAt: null,
};
const PRESENTED = 'R'.repeat(43);

/** An inspector over fakes: `found` is what the store holds for PRESENTED; grant reads are counted. */
function inspector(found: { token: RefreshTokenRecord; grant: GrantRecord | undefined } | undefined) {
  const grantReads: string[] = [];
  const inspect = createTokenInspector({
    verifyAccessToken: async () => {
      throw new Error('not an access token');
    },
    refreshTokens: { findWithGrant: async (presented) => (presented === PRESENTED ? found : undefined) },
    grants: {
      get: async (id) => {
        grantReads.push(id);
        return GRANT;
      },
    },
  });
  return { inspect, grantReads };
}

describe('createTokenInspector: a refresh token', () => {
  test('is found with its grant by one store read (issue 21), not a second read of the grant', async () => {
    const { inspect, grantReads } = inspector({ token: RECORD, grant: GRANT });
    assert.deepEqual(await inspect(PRESENTED, 'refresh_token'), {
      type: 'refresh_token',
      clientId: 'web',
      record: RECORD,
      grant: GRANT,
    });
    assert.deepEqual(grantReads, []);
  });

  test('whose grant is gone is found without a grant, so it is not taken for a live one', async () => {
    const { inspect } = inspector({ token: RECORD, grant: undefined });
    const found = await inspect(PRESENTED, undefined);
    assert.equal(found?.type, 'refresh_token');
    assert.equal(found?.grant, undefined);
  });

  test('that is unknown is nothing, whatever the hint', async () => {
    const { inspect } = inspector(undefined);
    assert.equal(await inspect(PRESENTED, 'refresh_token'), undefined);
    assert.equal(await inspect(PRESENTED, 'access_token'), undefined);
  });
});
