/**
 * A factor asked for after the first one (DESIGN Round 2: a new factor is one new file and one line in
 * ./index.ts). The second-factor page offers every factor the user has; a typed code goes to the factor
 * whose shape it has.
 */
export interface SecondFactor {
  /** Stable name: audit details, the account page. */
  readonly kind: string;
  /** RFC 8176 method added to the sign-in's `amr` when it is used. */
  readonly amr: string;
  /**
   * A backup (recovery codes) stands in for a factor but does not make one: it never raises what a
   * user must present, it only offers another way to present it.
   */
  readonly backup: boolean;
  /** Whether the user has this factor, ready to use. */
  enrolled(userId: string): Promise<boolean>;
  /** Whether `code` (trimmed, spaces and dashes kept) has this factor's shape. */
  accepts(code: string): boolean;
  /**
   * Checks the code and, when it is right, consumes it (single use). Throttling is the caller's.
   * Returns the RFC 8176 methods it proves (`['otp']`, `['hwk', 'user']`), or undefined when wrong.
   */
  verify(userId: string, code: string, now: number): Promise<readonly string[] | undefined>;
}
