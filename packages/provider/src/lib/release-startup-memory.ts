import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * V8's collector as `--expose-gc` gives it, for this process's own use. The flag only decides whether
 * a context created while it is set gets a `gc` function: it is set for one fresh context and unset at
 * once, so the provider's own global scope never has one (a process started with `--expose-gc` keeps
 * its own).
 */
function collector(): Collect {
  const exposed = (globalThis as { gc?: Collect }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as Collect;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

/**
 * Gives back the memory the start left behind, once (docs/performance-notes-memory.md). Loading ~700
 * modules, migrating and generating keys allocates far more than it keeps, and V8 (Node 24) grows the
 * young generation for it (to 32 MB) and keeps it: on an idle server its memory reducer never shrank it
 * back (138 MB resident after 15 s idle, a V8 heap of 50–100 MB for 23–33 MB of live objects). A "last resort" collection, the one V8 runs before it gives up on an allocation, compacts
 * the old generation, shrinks the young one to its initial size and releases the emptied pages: about
 * 25 MB less resident, for ~0.15 s of CPU (measured on a busy machine), once. Later load grows the
 * young generation again as it needs; nothing is weakened, only memory is returned.
 */
export function releaseStartupMemory(): void {
  collector()({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
