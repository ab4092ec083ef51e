import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { createSealer, SealingError } from '../../src/keys/sealing.js';

const secret = randomBytes(32);
const binding = { kid: 'kid-1', alg: 'RS256' };
const plaintext = JSON.stringify({ kty: 'EC', d: 'private-scalar' });

describe('sealing of private keys', () => {
  test('opens what it sealed', () => {
    const sealer = createSealer(secret);
    assert.equal(sealer.open(sealer.seal(plaintext, binding), binding), plaintext);
  });

  test('uses a fresh 96-bit IV each time and never shows the plaintext', () => {
    const sealer = createSealer(secret);
    const a = sealer.seal(plaintext, binding);
    const b = sealer.seal(plaintext, binding);
    assert.notEqual(a, b);
    assert.equal(Buffer.from(a.split('.')[1]!, 'base64url').length, 12);
    assert.ok(!a.includes('private-scalar'));
  });

  const tampered: {
    name: string;
    change: (sealed: string) => string;
    binding?: typeof binding;
    secret?: Buffer;
  }[] = [
    {
      name: 'a flipped ciphertext byte',
      change: (s) => {
        const parts = s.split('.');
        const bytes = Buffer.from(parts[2]!, 'base64url');
        bytes[0]! ^= 1;
        parts[2] = bytes.toString('base64url');
        return parts.join('.');
      },
    },
    {
      name: 'a changed tag',
      change: (s) => s.replace(/\.[^.]+$/, `.${Buffer.alloc(16).toString('base64url')}`),
    },
    {
      name: 'another IV',
      change: (s) => s.replace(/^v1\.[^.]+/, `v1.${Buffer.alloc(12).toString('base64url')}`),
    },
    { name: 'a ciphertext moved to another kid', change: (s) => s, binding: { kid: 'kid-2', alg: 'RS256' } },
    {
      name: 'a ciphertext moved to another algorithm',
      change: (s) => s,
      binding: { kid: 'kid-1', alg: 'ES256' },
    },
    { name: 'the wrong secret', change: (s) => s, secret: randomBytes(32) },
    { name: 'an unknown format', change: (s) => s.replace(/^v1/, 'v2') },
    { name: 'a truncated value', change: (s) => s.split('.').slice(0, 3).join('.') },
  ];
  for (const t of tampered) {
    test(`refuses to open ${t.name}`, () => {
      const sealed = createSealer(secret).seal(plaintext, binding);
      const opener = createSealer(t.secret ?? secret);
      assert.throws(() => opener.open(t.change(sealed), t.binding ?? binding), SealingError);
    });
  }

  test('refuses a secret shorter than 32 bytes', () => {
    assert.throws(() => createSealer(randomBytes(16)), TypeError);
  });
});
