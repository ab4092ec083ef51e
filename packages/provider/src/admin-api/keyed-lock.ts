/**
 * Runs tasks of one key one after another, tasks of different keys side by side. The admin API's
 * If-Match check and its write are one step per resource this way (checklist N3): of two admins
 * sending the same tag at once, the second sees the first one's change and gets 412. Across
 * instances the window between the check and the write remains (docs/ARCHITECTURE.md).
 */
export type KeyedLock = <T>(key: string, task: () => Promise<T>) => Promise<T>;

export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>();
  return (key, task) => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    // The chain continues whether this task failed or not; the map forgets a key once it is idle.
    const tail = run.catch(() => {});
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
