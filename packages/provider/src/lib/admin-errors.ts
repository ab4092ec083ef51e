/**
 * Errors of the administration services (clients, users), with stable codes the CLI maps to exit codes.
 * Messages name the field and the problem; they never contain a secret or a password.
 */
export type AdminErrorCode = 'ERR_INVALID_INPUT' | 'ERR_CONFLICT' | 'ERR_NOT_FOUND';

export class AdminError extends Error {
  override readonly name = 'AdminError';
  constructor(
    readonly code: AdminErrorCode,
    message: string,
    /** The input field at fault, as the caller named it (`redirectUris[1]`, `username`). */
    readonly field?: string,
  ) {
    super(message);
  }
}

export const invalidInput = (field: string, problem: string): AdminError =>
  new AdminError('ERR_INVALID_INPUT', `${field}: ${problem}`, field);
