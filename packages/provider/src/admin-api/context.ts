import type { FastifyRequest } from 'fastify';
import type { AdminActor, AdminOptions, SessionAdminDeps } from '../admin/index.js';
import type { KeyManager } from '../keys/key-manager.js';
import type { LiveSettings } from '../settings/live.js';
import type { ProviderStores } from '../store/types.js';
import type { AdminCaller } from './authorize.js';
import type { KeyedLock } from './keyed-lock.js';

/** What the routes call: the admin service layer's stores and the options of every admin operation. */
export interface AdminApiContext {
  readonly stores: Pick<
    ProviderStores,
    'clients' | 'users' | 'groups' | 'audit' | 'sessions' | 'consents' | 'grants' | 'factors' | 'settings'
  >;
  /** This instance's runtime settings: the configured values, and a refresh after a change. */
  readonly settings: Pick<LiveSettings, 'configured' | 'refresh'>;
  readonly logout: SessionAdminDeps['logout'];
  readonly keys: Pick<KeyManager, 'list' | 'rotate'>;
  /** Clock, random, registries and password policy, without the actor (each request has its own). */
  readonly options: Omit<AdminOptions, 'actor'>;
  readonly callers: WeakMap<FastifyRequest, AdminCaller>;
  /** One If-Match check and write at a time per resource (N3). */
  readonly lock: KeyedLock;
}

/** Checklist: every mutation is audited with `{ type: 'admin-api', id: <sub or client id> }`. */
export function optionsFor(context: AdminApiContext, request: FastifyRequest): AdminOptions {
  const caller = context.callers.get(request);
  if (caller === undefined) throw new Error('admin API route reached without an authorized caller');
  const actor: AdminActor = { type: 'admin-api', id: caller.subject };
  return { ...context.options, actor };
}
