import type { Logger } from '../lib/logger.js';
import type { AuditEvent, AuditStore } from '../store/types.js';

export interface AuditObserver {
  auditEvent(type: string): void;
}

/**
 * The audit store, with every event also written to the structured log (`msg: "audit event"`, the event
 * under `audit`) and counted. The log line is written first, so an event is not lost from the log when
 * the database cannot take it (the caller still sees the store's error). Events carry no secret by
 * contract (store/types.ts AuditEvent); the logger's redaction is the second guard.
 */
export function withAuditLog(store: AuditStore, logger: Logger, observer?: AuditObserver): AuditStore {
  return {
    async append(event: AuditEvent) {
      logger.info({ audit: event }, 'audit event');
      observer?.auditEvent(event.type);
      await store.append(event);
    },
    list: (options) => store.list(options),
    countSince: (type, since, cap) => store.countSince(type, since, cap),
    deleteBefore: (before, limit) => store.deleteBefore(before, limit),
  };
}
