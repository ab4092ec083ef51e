import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '@latchkey/provider';
import { tempDir } from '../helpers/fixtures.js';

const SECRET = 'q6yC8m6zqYQZ4m4cK2hb8F2S8bGvB8J4m2vS0YgUq3o';

describe('loadConfig', () => {
  test('uses the documented defaults when nothing is configured', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.issuer, 'http://localhost:8080');
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8080);
    assert.equal(config.dataDir, './latchkey-data');
    assert.equal(config.databaseUrl, 'sqlite:./latchkey-data/latchkey.db');
    assert.equal(config.secret, undefined);
    assert.deepEqual(config.keys, {
      algorithms: ['RS256', 'ES256'],
      rotationInterval: 30 * 86_400,
      jwksMaxAge: 3600,
      maxTokenLifetime: 86_400,
      reloadInterval: 5,
    });
    assert.equal(config.logging.level, 'info');
    assert.equal(config.bodyLimit, 65_536);
    // L2: no connection is unbounded in time by default.
    assert.deepEqual(config.http, {
      headersTimeout: 10,
      requestTimeout: 30,
      keepAliveTimeout: 75,
      idleTimeout: 120,
      maxConnectionsPerAddress: 128,
      pageBodyLimit: 16_384,
    });
  });

  test('derives the default database from the data directory', () => {
    assert.equal(
      loadConfig({ env: { LATCHKEY_DATA_DIR: '/var/lib/lk' } }).databaseUrl,
      'sqlite:/var/lib/lk/latchkey.db',
    );
  });

  test('takes the file over defaults, the environment over the file, and overrides over the environment', () => {
    const file = join(tempDir(), 'latchkey.yaml');
    writeFileSync(
      file,
      'port: 9000\nhost: 0.0.0.0\nissuer: https://id.example.com\nkeys:\n  jwksMaxAge: 10m\n',
    );
    const fromFile = loadConfig({ file, env: {} });
    assert.equal(fromFile.port, 9000);
    assert.equal(fromFile.keys.jwksMaxAge, 600);
    const fromEnv = loadConfig({ file, env: { LATCHKEY_PORT: '9100', LATCHKEY_KEYS_JWKS_MAX_AGE: '2h' } });
    assert.equal(fromEnv.port, 9100);
    assert.equal(fromEnv.host, '0.0.0.0');
    assert.equal(fromEnv.keys.jwksMaxAge, 7200);
    const fromFlags = loadConfig({ file, env: { LATCHKEY_PORT: '9100' }, overrides: { port: 9200 } });
    assert.equal(fromFlags.port, 9200);
    assert.equal(fromFlags.issuer, 'https://id.example.com');
  });

  test('reads a JSON file as well', () => {
    const file = join(tempDir(), 'latchkey.json');
    writeFileSync(file, JSON.stringify({ port: 7000, keys: { algorithms: ['RS256', 'EdDSA'] } }));
    const config = loadConfig({ file, env: {} });
    assert.equal(config.port, 7000);
    assert.deepEqual(config.keys.algorithms, ['RS256', 'EdDSA']);
  });

  test('DATABASE_URL selects the database', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/test';
    assert.equal(loadConfig({ env: { DATABASE_URL: url } }).databaseUrl, url);
  });

  test('accepts a hex or base64 LATCHKEY_SECRET of 32 bytes', () => {
    assert.equal(loadConfig({ env: { LATCHKEY_SECRET: SECRET } }).secret, SECRET);
    const hex = 'ab'.repeat(32);
    assert.equal(loadConfig({ env: { LATCHKEY_SECRET: hex } }).secret, hex);
  });

  const badValues: { name: string; env?: NodeJS.ProcessEnv; file?: string; key: string; text?: RegExp }[] = [
    {
      name: 'a port that is not a number',
      env: { LATCHKEY_PORT: 'abc' },
      key: 'LATCHKEY_PORT',
      text: /"abc" is not a port number/,
    },
    { name: 'a port out of range', env: { LATCHKEY_PORT: '70000' }, key: 'LATCHKEY_PORT' },
    {
      name: 'a trusted proxy that is not an address',
      env: { LATCHKEY_TRUSTED_PROXIES: '10.0.0.1, lb.internal' },
      // The key names the refused item of the list.
      key: 'LATCHKEY_TRUSTED_PROXIES[1]',
      text: /"lb.internal"/,
    },
    {
      name: 'a trusted proxy range with a prefix too long',
      env: { LATCHKEY_TRUSTED_PROXIES: '10.0.0.0/33' },
      key: 'LATCHKEY_TRUSTED_PROXIES[0]',
    },
    {
      name: 'an issuer with a trailing slash',
      env: { LATCHKEY_ISSUER: 'https://id.example.com/' },
      key: 'LATCHKEY_ISSUER',
      text: /slash/,
    },
    {
      name: 'a plain-http issuer on a public host',
      env: { LATCHKEY_ISSUER: 'http://id.example.com' },
      key: 'LATCHKEY_ISSUER',
      text: /https/,
    },
    {
      name: 'an issuer with a query',
      env: { LATCHKEY_ISSUER: 'https://id.example.com?x=1' },
      key: 'LATCHKEY_ISSUER',
    },
    {
      name: 'an issuer with a fragment',
      env: { LATCHKEY_ISSUER: 'https://id.example.com#x' },
      key: 'LATCHKEY_ISSUER',
    },
    {
      name: 'an issuer that is not a URL',
      env: { LATCHKEY_ISSUER: 'id.example.com' },
      key: 'LATCHKEY_ISSUER',
    },
    {
      name: 'an issuer not in canonical form',
      env: { LATCHKEY_ISSUER: 'https://ID.example.com' },
      key: 'LATCHKEY_ISSUER',
      text: /canonical/,
    },
    {
      name: 'a short secret',
      env: { LATCHKEY_SECRET: 'correct horse battery staple' },
      key: 'LATCHKEY_SECRET',
      text: /32 random bytes/,
    },
    {
      name: 'an unknown algorithm',
      env: { LATCHKEY_KEYS_ALGORITHMS: 'RS256,XS256' },
      key: 'LATCHKEY_KEYS_ALGORITHMS[1]',
      text: /XS256/,
    },
    {
      name: 'an HMAC signing algorithm',
      env: { LATCHKEY_KEYS_ALGORITHMS: 'RS256,HS256' },
      key: 'LATCHKEY_KEYS_ALGORITHMS[1]',
      text: /"HS256" is not one of RS256/,
    },
    {
      name: 'algorithms without RS256',
      env: { LATCHKEY_KEYS_ALGORITHMS: 'ES256' },
      key: 'LATCHKEY_KEYS_ALGORITHMS',
      text: /RS256/,
    },
    {
      name: 'a duration that is not one',
      env: { LATCHKEY_KEYS_ROTATION_INTERVAL: 'monthly' },
      key: 'LATCHKEY_KEYS_ROTATION_INTERVAL',
    },
    { name: 'a zero duration', env: { LATCHKEY_KEYS_JWKS_MAX_AGE: '0' }, key: 'LATCHKEY_KEYS_JWKS_MAX_AGE' },
    {
      name: 'a rotation faster than the JWKS cache',
      env: { LATCHKEY_KEYS_ROTATION_INTERVAL: '1h', LATCHKEY_KEYS_JWKS_MAX_AGE: '1h' },
      key: 'keys.rotationInterval',
    },
    { name: 'an unknown log level', env: { LATCHKEY_LOG_LEVEL: 'loud' }, key: 'LATCHKEY_LOG_LEVEL' },
    {
      name: 'an unsupported database scheme',
      env: { DATABASE_URL: 'mysql://u:hunter2@db/x' },
      key: 'DATABASE_URL',
    },
    {
      name: 'a database URL that is a bare word, naming the value',
      env: { DATABASE_URL: 'nonsense' },
      key: 'DATABASE_URL',
      text: /"nonsense" is not a database URL: expected sqlite:PATH/,
    },
    {
      name: 'a database URL of an unknown scheme, naming it without its password',
      env: { DATABASE_URL: 'mysql://u:hunter2@db/x' },
      key: 'DATABASE_URL',
      text: /"mysql:\/\/u@db\/x"/,
    },
    {
      name: 'a bad port in the file',
      file: 'port: "eighty"\n',
      key: 'port (in bad.yaml)',
      text: /"eighty" is not a port number/,
    },
    {
      name: 'a misspelt key in the file',
      file: 'isuer: https://id.example.com\n',
      key: 'isuer (in bad.yaml)',
      text: /not a configuration key/,
    },
    {
      name: 'a misspelt nested key in the file',
      file: 'keys:\n  rotation: 30d\n',
      key: 'keys.rotation (in bad.yaml)',
    },
    { name: 'a file that is not a mapping', file: '- 1\n- 2\n', key: '--config' },
    {
      name: 'an unbounded request time (L2)',
      env: { LATCHKEY_HTTP_REQUEST_TIMEOUT: '0' },
      key: 'LATCHKEY_HTTP_REQUEST_TIMEOUT',
    },
    {
      name: 'a header time longer than the request time',
      env: { LATCHKEY_HTTP_HEADERS_TIMEOUT: '60s' },
      key: 'http.headersTimeout',
      text: /longer than http.requestTimeout/,
    },
    {
      name: 'an idle time shorter than the keep-alive time',
      env: { LATCHKEY_HTTP_IDLE_TIMEOUT: '30s' },
      key: 'http.idleTimeout',
      text: /shorter than http.keepAliveTimeout/,
    },
    {
      name: 'a negative connection limit',
      env: { LATCHKEY_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '-1' },
      key: 'LATCHKEY_HTTP_MAX_CONNECTIONS_PER_ADDRESS',
    },
    {
      name: 'a support contact that is neither an email address nor an https URL',
      env: { LATCHKEY_UI_SUPPORT_CONTACT: 'call Bob' },
      key: 'LATCHKEY_UI_SUPPORT_CONTACT',
      text: /"call Bob" must be an email address or an https URL/,
    },
    {
      name: 'a form body limit over bodyLimit',
      env: { LATCHKEY_HTTP_PAGE_BODY_LIMIT: '100000' },
      key: 'http.pageBodyLimit',
    },
  ];
  for (const bad of badValues) {
    test(`refuses ${bad.name} with an error naming the key`, () => {
      let file: string | undefined;
      if (bad.file !== undefined) {
        file = join(tempDir(), 'bad.yaml');
        writeFileSync(file, bad.file);
      }
      assert.throws(
        () => loadConfig({ env: bad.env ?? {}, ...(file ? { file } : {}) }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, String(error));
          assert.equal(error.key, bad.key);
          assert.ok(error.message.startsWith(`${bad.key}: `), error.message);
          if (bad.text) assert.match(error.message, bad.text);
          return true;
        },
      );
    });
  }

  test('never repeats a secret or a database password in an error', () => {
    for (const env of [
      { LATCHKEY_SECRET: 'hunter2-is-my-secret' },
      { DATABASE_URL: 'mysql://u:hunter2@db/x' },
    ]) {
      assert.throws(
        () => loadConfig({ env }),
        (error: unknown) => !(error as Error).message.includes('hunter2'),
      );
    }
  });

  test('accepts http for a loopback issuer', () => {
    assert.equal(
      loadConfig({ env: { LATCHKEY_ISSUER: 'http://127.0.0.1:9000' } }).issuer,
      'http://127.0.0.1:9000',
    );
  });
});
