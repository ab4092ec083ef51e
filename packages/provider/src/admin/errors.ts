/**
 * Errors of the admin service layer, with stable codes its faces map: the CLI to exit status 2 (bad
 * input) or 1, the admin API to 400/409/404. Messages name the field and the problem; they never
 * contain a secret or a password.
 */
export type AdminErrorCode = 'ERR_INVALID_INPUT' | 'ERR_CONFLICT' | 'ERR_NOT_FOUND';

export class AdminError extends Error {
  override readonly name = 'AdminError';
  constructor(
    readonly code: AdminErrorCode,
    message: string,
    /** The input field at fault, as the service names it (`redirectUris[1]`, `username`). */
    readonly field?: string,
    /** The message without the field, for a face that names the field its own way (a CLI flag). */
    readonly problem: string = message,
  ) {
    super(message);
  }
}

export const invalidInput = (field: string, problem: string): AdminError =>
  new AdminError('ERR_INVALID_INPUT', `${field}: ${problem}`, field, problem);

export const conflict = (field: string, problem: string): AdminError =>
  new AdminError('ERR_CONFLICT', `${field}: ${problem}`, field, problem);

export const notFound = (field: string, what: string): AdminError =>
  new AdminError('ERR_NOT_FOUND', what, field, what);
