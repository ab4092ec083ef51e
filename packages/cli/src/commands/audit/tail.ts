import type { Writable } from 'node:stream';
import type { OpenedProviderStores } from '@latchkey/provider';
import { optionalString } from '../../lib/args.js';
import type { Command } from '../../lib/command.js';
import { UsageError } from '../../lib/errors.js';
import { println } from '../../lib/io.js';
import { isoTime } from '../../lib/output.js';
import { withStores } from '../../lib/provider-context.js';

type AuditStore = OpenedProviderStores['audit'];
type StoredEvent = Awaited<ReturnType<AuditStore['list']>>[number];

const DEFAULT_LIMIT = 20;
/** The store's bound on one read (MAX_AUDIT_LIST_LIMIT). */
const MAX_LIMIT = 1000;
const POLL_INTERVAL_MS = 1000;

export const auditTail: Command = {
  path: ['audit', 'tail'],
  summary:
    'Show the latest security events (sign-ins, consents, tokens issued and revoked, reuse, key rotation)',
  options: {
    follow: {
      type: 'boolean',
      short: 'f',
      description: 'keep printing new events as they are written (every second; Ctrl-C stops)',
    },
    type: {
      type: 'string',
      valueName: 'TYPE',
      description: 'only events of this type, e.g. sign_in.failure',
    },
    limit: {
      type: 'string',
      valueName: 'N',
      description: `how many of the latest events to show first (1–${MAX_LIMIT}, default ${DEFAULT_LIMIT})`,
    },
    json: { type: 'boolean', description: 'one JSON object per line' },
  },
  async run(values, _positionals, io) {
    const limit = parseLimit(optionalString(values, 'limit'));
    const type = optionalString(values, 'type');
    const print = values.json === true ? printJsonLine : printLine;
    await withStores(values, io, async (stores) => {
      const latest = await stores.audit.list({ limit, ...(type === undefined ? {} : { type }) });
      // The store answers newest first; a tail reads oldest first.
      const shown = latest.reverse();
      for (const event of shown) print(io.stdout, event);
      if (values.follow === true)
        await follow(stores.audit, type, shown.at(-1)?.id ?? 0, (e) => print(io.stdout, e));
    });
    return 0;
  },
};

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const n = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_LIMIT))
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIMIT}`);
  return n;
}

/**
 * Polls for events newer than `lastId` until SIGINT or SIGTERM. Ids grow with every append, so "newer"
 * is "larger id" on one database, whichever instance wrote the event.
 */
async function follow(
  audit: AuditStore,
  type: string | undefined,
  lastId: number,
  print: (event: StoredEvent) => void,
): Promise<void> {
  let stopped = false;
  let wake: () => void = () => {};
  const stop = () => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    while (!stopped) {
      const batch = await audit.list({ limit: MAX_LIMIT, ...(type === undefined ? {} : { type }) });
      const fresh = batch.filter((e) => e.id > lastId).sort((a, b) => a.id - b.id);
      for (const event of fresh) print(event);
      lastId = fresh.at(-1)?.id ?? lastId;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, POLL_INTERVAL_MS).unref();
      });
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function printLine(out: Writable, event: StoredEvent): void {
  const who = [
    event.userId ? `user=${event.userId}` : undefined,
    event.clientId ? `client=${event.clientId}` : undefined,
    event.ip ? `ip=${event.ip}` : undefined,
  ].filter((part) => part !== undefined);
  const details = event.details && Object.keys(event.details).length > 0 ? JSON.stringify(event.details) : '';
  println(out, [isoTime(event.at), event.type, ...who, details].filter((p) => p !== '').join('  '));
}

function printJsonLine(out: Writable, event: StoredEvent): void {
  println(out, JSON.stringify(event));
}
