import { pino } from 'pino';
import type { LogLevel } from '../config/types.js';

/**
 * Paths pino censors wherever they appear in a log object (DESIGN rule 8): credentials in headers,
 * and any field named like a secret in request bodies or log objects.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'authorization',
  'cookie',
  'password',
  'secret',
  'client_secret',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.secret',
  '*.client_secret',
  '*.code',
  '*.code_verifier',
  '*.refresh_token',
  '*.access_token',
  '*.id_token',
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): pino.Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
