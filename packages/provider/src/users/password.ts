import type { Algorithm } from '@node-rs/argon2';

/**
 * Loaded on first use: a server that never hashes a password does not pay for the native module. The
 * promise is kept: a repeated `import()` still resolves the specifier (~5–9 µs per sign-in).
 */
let argon2Module: Promise<typeof import('@node-rs/argon2')> | undefined;
const argon2 = () => {
  argon2Module ??= import('@node-rs/argon2');
  return argon2Module;
};

/**
 * argon2id with the OWASP Password Storage Cheat Sheet parameters: m = 19 MiB, t = 2, p = 1
 * (RFC 9106 §4 lists argon2id as the recommended variant). The PHC string records them, so raising
 * them later still verifies old hashes.
 */
export const PASSWORD_HASH_OPTIONS = {
  algorithm: 2 as Algorithm, // Algorithm.Argon2id (a const enum, which isolatedModules cannot read)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export async function hashPassword(password: string): Promise<string> {
  return (await argon2()).hash(password, PASSWORD_HASH_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password against a stored hash. With no hash (unknown user, user without a password) it
 * verifies against a dummy hash and returns false, so the answer takes the same time either way (S2).
 */
export async function verifyPassword(
  storedHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  const { verify } = await argon2();
  if (typeof storedHash !== 'string') {
    dummyHash ??= hashPassword('latchkey-dummy-password');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}
