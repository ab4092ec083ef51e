/** The slice of pino the provider's services log through (so tests can pass a silent or recording one). */
export interface Logger {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

const ignore = (): void => {};
export const silentLogger: Logger = { info: ignore, warn: ignore, error: ignore };
