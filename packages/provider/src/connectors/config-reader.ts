import { type Parsed, parseIssuer, parsePublicUrl } from '../config/parsers.js';

/** A connector's configuration is wrong; `key` is its path as written: `connectors[1].issuer`. */
export class ConnectorConfigError extends Error {
  override readonly name = 'ConnectorConfigError';
  constructor(
    readonly key: string,
    readonly problem: string,
  ) {
    super(`${key} ${problem}`);
  }
}

/**
 * Reads one object of the `connectors` list, key by key, and throws ConnectorConfigError naming the key
 * (DESIGN rule 10). Remembers which keys it read, so `rejectUnread` can refuse a misspelt one. Values of
 * sensitive keys are never echoed.
 */
export class ConfigReader {
  private readonly read = new Set<string>();

  constructor(
    private readonly raw: Readonly<Record<string, unknown>>,
    readonly prefix: string,
  ) {}

  private fail(name: string, problem: string): never {
    throw new ConnectorConfigError(`${this.prefix}.${name}`, problem);
  }

  private value(name: string): unknown {
    this.read.add(name);
    return Object.hasOwn(this.raw, name) ? this.raw[name] : undefined;
  }

  private parsed<T>(name: string, parse: (raw: unknown) => Parsed<T>): T | undefined {
    const raw = this.value(name);
    if (raw === undefined) return undefined;
    const result = parse(raw);
    return result.ok ? result.value : this.fail(name, result.problem);
  }

  has(name: string): boolean {
    return this.value(name) !== undefined;
  }

  optionalString(name: string, max = 2000): string | undefined {
    const raw = this.value(name);
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string' || raw === '' || raw.length > max) {
      return this.fail(name, `must be a non-empty string of at most ${max} characters`);
    }
    return raw;
  }

  string(name: string, max = 2000): string {
    return this.optionalString(name, max) ?? this.fail(name, 'is required');
  }

  optionalUrl(name: string): string | undefined {
    return this.parsed(name, parsePublicUrl);
  }

  url(name: string): string {
    return this.optionalUrl(name) ?? this.fail(name, 'is required');
  }

  issuer(name: string): string {
    return this.parsed(name, parseIssuer) ?? this.fail(name, 'is required');
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.value(name);
    if (raw === undefined) return fallback;
    if (typeof raw !== 'boolean') return this.fail(name, 'must be true or false');
    return raw;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.value(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly unknown[]).includes(raw)) {
      return this.fail(name, `must be one of ${allowed.join(', ')}`);
    }
    return raw as T;
  }

  strings(name: string, fallback: readonly string[] = []): readonly string[] {
    const raw = this.value(name);
    if (raw === undefined) return fallback;
    if (!Array.isArray(raw) || raw.length > 100 || raw.some((s) => typeof s !== 'string' || s === '')) {
      return this.fail(name, 'must be a list of non-empty strings');
    }
    return raw as string[];
  }

  /** A map of names to names (claim mapping, group mapping). */
  stringMap(name: string): Readonly<Record<string, string>> {
    const raw = this.value(name);
    if (raw === undefined) return {};
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      return this.fail(name, 'must be a map of names to names');
    }
    const entries = Object.entries(raw);
    if (entries.length > 100 || entries.some(([k, v]) => k === '' || typeof v !== 'string' || v === '')) {
      return this.fail(name, 'must be a map of names to names');
    }
    return Object.fromEntries(entries) as Record<string, string>;
  }

  /** A nested object, read with its own reader (`connectors[0].groups`). */
  object(name: string): ConfigReader {
    const raw = this.value(name) ?? {};
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      return this.fail(name, 'must be a map');
    return new ConfigReader(raw as Record<string, unknown>, `${this.prefix}.${name}`);
  }

  /** Refuses keys that nothing read: a misspelt key must not be silently ignored. */
  rejectUnread(): void {
    for (const name of Object.keys(this.raw)) {
      if (!this.read.has(name)) this.fail(name, 'is not a connector setting');
    }
  }
}
