import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testProviderApp } from '../helpers/fixtures.js';
import { API } from './fixture.js';

test('with adminApi.enabled false no admin API route exists, not even its document', async () => {
  const { app, close } = await testProviderApp({ overrides: { adminApi: { enabled: false } } });
  for (const url of [`${API}/openapi.json`, `${API}/users`]) {
    assert.equal((await app.inject({ url })).statusCode, 404, url);
  }
  await close();
});
