import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { isDatabaseUnavailable } from '../lib/database-unavailable.js';

/** What the metrics read from the key manager at scrape time (never on the request path). */
export interface KeySetSource {
  /** Epoch seconds when each algorithm's current signing key started signing. */
  signingKeyActivations(): ReadonlyMap<string, number>;
}

export interface ProviderMetricsOptions {
  /** Epoch seconds; injected so tests freeze the key-set age. */
  readonly now?: () => number;
  /** Default true: Node's process metrics, including `nodejs_eventloop_lag_seconds`. */
  readonly processMetrics?: boolean;
}

/** A pre-bound child of a labelled metric: the hot path increments it without building a label object. */
interface Incrementable {
  inc(): void;
}
interface Observable {
  observe(value: number): void;
}

/**
 * The provider's Prometheus metrics (prom-client), on a registry of their own (never the global one, so
 * several providers in one process — tests, a cluster test — do not share counters). Recording is cheap:
 * label children are created once per route/status/grant and cached, so a request costs one map lookup
 * and two increments, and nothing is allocated for a label set already seen.
 */
export interface ProviderMetrics {
  readonly registry: Registry;
  /** `route` is the route pattern (`/token`), never the raw URL, so the label set stays bounded. */
  request(route: string, method: string, status: number, seconds: number): void;
  tokenIssued(grant: string): void;
  auditEvent(type: string): void;
  databaseCall(seconds: number, error: unknown): void;
  watchKeySet(source: KeySetSource): void;
}

export function createProviderMetrics(options: ProviderMetricsOptions = {}): ProviderMetrics {
  const now = options.now ?? (() => Date.now() / 1000);
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'latchkey_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status code',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'latchkey_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'latchkey_tokens_issued_total',
    help: 'Successful token endpoint responses, by grant type',
    labelNames: ['grant'] as const,
    registers: [registry],
  });
  const signIns = new Counter({
    name: 'latchkey_sign_ins_total',
    help: 'Sign-in attempts at the login page, by outcome (success, failure)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const audits = new Counter({
    name: 'latchkey_audit_events_total',
    help: 'Security events written to the audit log, by type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const databaseSeconds = new Histogram({
    name: 'latchkey_database_call_duration_seconds',
    help: 'Time of one store call (one or a few SQL statements), successful or not',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const databaseErrors = new Counter({
    name: 'latchkey_database_errors_total',
    help: 'Store calls that failed, by kind (unavailable: the database could not answer; other)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  let keySet: KeySetSource | undefined;
  new Gauge({
    name: 'latchkey_signing_key_age_seconds',
    help: 'Seconds since the current signing key of each algorithm started signing',
    labelNames: ['alg'] as const,
    registers: [registry],
    // Computed when Prometheus scrapes, from what the key manager already holds in memory.
    collect() {
      this.reset();
      if (keySet === undefined) return;
      const at = now();
      for (const [alg, activatedAt] of keySet.signingKeyActivations()) this.labels(alg).set(at - activatedAt);
    },
  });

  const requestChildren = new Map<string, Map<string, Map<number, Incrementable>>>();
  const durationChildren = new Map<string, Observable>();
  const tokenChildren = new Map<string, Incrementable>();
  const auditChildren = new Map<string, Incrementable>();
  // Factories defined once, so a cache hit allocates nothing (not even a closure).
  const durationChild = (route: string): Observable => requestSeconds.labels(route);
  const tokenChild = (grant: string): Incrementable => tokens.labels(grant);
  const auditChild = (type: string): Incrementable => audits.labels(type);
  const signInSuccess = signIns.labels('success');
  const signInFailure = signIns.labels('failure');
  const unavailable = databaseErrors.labels('unavailable');
  const otherError = databaseErrors.labels('other');

  return {
    registry,
    request(route, method, status, seconds) {
      const byStatus = cached(cached(requestChildren, method, newRouteMap), route, newStatusMap);
      let counter = byStatus.get(status);
      if (counter === undefined) {
        counter = requests.labels(route, method, String(status));
        byStatus.set(status, counter);
      }
      counter.inc();
      cached(durationChildren, route, durationChild).observe(seconds);
    },
    tokenIssued(grant) {
      cached(tokenChildren, grant, tokenChild).inc();
    },
    auditEvent(type) {
      cached(auditChildren, type, auditChild).inc();
      if (type === 'sign_in.success') signInSuccess.inc();
      else if (type === 'sign_in.failure') signInFailure.inc();
    },
    databaseCall(seconds, error) {
      databaseSeconds.observe(seconds);
      if (error !== undefined) (isDatabaseUnavailable(error) ? unavailable : otherError).inc();
    },
    watchKeySet(source) {
      keySet = source;
    },
  };
}

const newRouteMap = (): Map<string, Map<number, Incrementable>> => new Map();
const newStatusMap = (): Map<number, Incrementable> => new Map();

function cached<T>(map: Map<string, T>, key: string, create: (key: string) => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = create(key);
    map.set(key, value);
  }
  return value;
}
