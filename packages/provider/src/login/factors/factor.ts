import type { UserRecord, UserStore } from '../../store/types.js';

/** What the person typed into the sign-in form. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/**
 * A way to authenticate a person (DESIGN rule 2: a new factor is one new file and one line in
 * ./index.ts). `verify` must cost the same and answer the same for an unknown user, a disabled one and
 * wrong credentials (S2).
 */
export interface LoginFactor {
  /** RFC 8176 Authentication Method Reference recorded in the session and the ID token's `amr`. */
  readonly amr: string;
  verify(stores: { readonly users: UserStore }, credentials: Credentials): Promise<UserRecord | undefined>;
}
