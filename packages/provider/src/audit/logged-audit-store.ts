import type { Logger } from '../lib/logger.js';
import { aroundEachStoreCall } from '../store/lib/around-calls.js';
import type { AuditEvent, ProviderStores } from '../store/types.js';

export interface AuditObserver {
  auditEvent(type: string): void;
}

/** The stores that write audit events: the audit store itself, and the rotation that writes one in its commit. */
export type AuditedStores = Pick<ProviderStores, 'audit' | 'refreshTokens'>;

/** A logger that can make a child with its own redaction (pino's `child(bindings, { redact })`). */
interface ChildLogger extends Logger {
  child(bindings: Record<string, never>, options: { redact: { paths: string[] } }): Logger;
}

/** The top-level fields of an AuditEvent (store/types.ts): none is named like a secret. */
const AUDIT_EVENT_FIELDS = new Set(['type', 'at', 'userId', 'clientId', 'ip', 'details']);

/**
 * Writes `{ audit: event }` lines. The logger's redaction (lib/create-logger.ts) reaches an event's
 * top-level fields only (`*.secret` is `audit.secret`), and an AuditEvent's are none of those names, so
 * it can change nothing in a line of known fields: such a line goes through a child without redaction
 * (~6 µs less a line, issue 21: pino's redactor copies the object for its wildcard paths). An event
 * with any other field — which the type forbids, but a spread object could carry — still goes through
 * the redacting logger, the second guard.
 */
function auditLineWriter(logger: Logger): (event: AuditEvent) => void {
  const unredacted = isChildLogger(logger) ? logger.child({}, { redact: { paths: [] } }) : logger;
  return (event) => {
    let known = true;
    for (const field in event) if (!AUDIT_EVENT_FIELDS.has(field)) known = false;
    (known ? unredacted : logger).info({ audit: event }, 'audit event');
  };
}

function isChildLogger(logger: Logger): logger is ChildLogger {
  return typeof (logger as Partial<ChildLogger>).child === 'function';
}

/**
 * The stores, with every audit event also written to the structured log (`msg: "audit event"`, the event
 * under `audit`) and counted.
 * - `audit.append`: the log line is written first, so an event is not lost from the log when the database
 *   cannot take it (the caller still sees the store's error).
 * - An event stored in a refresh token's rotation (one commit): the line is written once that commit is
 *   done, and only when the rotation happened (one lost to another request: no event, no line).
 * Events carry no secret by contract (store/types.ts AuditEvent); the logger's redaction is the second guard.
 */
export function withAuditLog<S extends AuditedStores>(
  stores: S,
  logger: Logger,
  observer?: AuditObserver,
): S {
  const writeLine = auditLineWriter(logger);
  const announce = (event: AuditEvent) => {
    writeLine(event);
    observer?.auditEvent(event.type);
  };
  // Each method looked up when it is called, as the other store wrappers do (store/lib/around-calls.ts):
  // a test that replaces one on the original store after this wrapping still reaches it.
  const { audit, refreshTokens } = aroundEachStoreCall(
    { audit: stores.audit, refreshTokens: stores.refreshTokens },
    (call) => call(),
  );
  return {
    ...stores,
    audit: {
      ...audit,
      async append(event: AuditEvent) {
        announce(event);
        await audit.append(event);
      },
    },
    refreshTokens: {
      ...refreshTokens,
      async rotate(tokenHash, at, successor, event) {
        const result = await refreshTokens.rotate(tokenHash, at, successor, event);
        if (result.status === 'rotated' && event !== undefined) announce(event);
        return result;
      },
    },
  };
}
