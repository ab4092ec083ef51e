import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString } from 'pino';

/**
 * Fastify gives every request a child logger (bound to its request id) before routing ends. pino's
 * `child()` serializes and redacts the bindings at once: about 5% of the CPU of a cheap endpoint such
 * as client_credentials. With no access log (the default) most requests never log, so the child is
 * made on the request's first log call, with the same bindings and options — what it writes is the same.
 */
export function lazyChildLogger(
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyChildLogger(parent, bindings, options);
}

class LazyChildLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #logger: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  #real(): FastifyBaseLogger {
    this.#logger ??= this.#parent.child(this.#bindings, this.#options);
    return this.#logger;
  }

  get level(): LevelWithSilentOrString {
    return this.#logger?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.#real().level = level;
  }

  // Prototype methods (no closures per request); each forwards its arguments to the real child.
  fatal(...args: unknown[]): void {
    forward(this.#real(), 'fatal', args);
  }
  error(...args: unknown[]): void {
    forward(this.#real(), 'error', args);
  }
  warn(...args: unknown[]): void {
    forward(this.#real(), 'warn', args);
  }
  info(...args: unknown[]): void {
    forward(this.#real(), 'info', args);
  }
  debug(...args: unknown[]): void {
    forward(this.#real(), 'debug', args);
  }
  trace(...args: unknown[]): void {
    forward(this.#real(), 'trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }
}

type LevelMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

function forward(logger: FastifyBaseLogger, method: LevelMethod, args: unknown[]): void {
  (logger[method] as (...args: unknown[]) => void).apply(logger, args);
}
