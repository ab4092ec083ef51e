import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption for cookies and for the tokens kept in the session store: AES-256-GCM
 * with a random 96-bit IV (NIST SP 800-38D §8.2.2), under a key derived per purpose with HKDF-SHA256
 * (RFC 5869) from the configured cookie secret. The `context` (cookie name, session id hash) is the
 * additional authenticated data, so a value sealed for one place cannot be replayed in another.
 * A tampered, truncated or foreign value opens to `undefined` (checklist S6).
 */
export class Sealer {
  readonly #key: Buffer;

  constructor(secret: Buffer, purpose: string) {
    this.#key = Buffer.from(
      hkdfSync('sha256', secret, Buffer.alloc(0), `latchkey-gateway ${purpose} v1`, 32),
    );
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  open(sealed: string, context: string): string | undefined {
    if (sealed.length > 16_384 || !/^[A-Za-z0-9_-]+$/.test(sealed)) return undefined;
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.length < 12 + 16 + 1) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([
        decipher.update(bytes.subarray(12, bytes.length - 16)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

/** Session ids and states are stored as SHA-256 hashes (DESIGN rule 6: high-entropy values). */
export function hashId(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
