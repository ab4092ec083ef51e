import { userInfo } from 'node:os';
import type { AdminActor } from '@latchkey/provider';
import type { CommandIo } from './io.js';

/**
 * The actor recorded with every change made from the CLI: the operating-system account that ran it
 * (the account behind `sudo` when there is one), so the audit log says who changed what.
 */
export function cliActor(io: CommandIo): AdminActor {
  let account = io.env.SUDO_USER;
  if (account === undefined || account === '') {
    try {
      account = userInfo().username;
    } catch {
      account = io.env.USER ?? 'unknown';
    }
  }
  return { type: 'cli', id: account };
}
