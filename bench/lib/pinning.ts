/**
 * CPU pinning with `taskset` (Linux, util-linux): the server under test gets CPU 0 to itself; the suite
 * and its load generator run on CPU 1, so the load never steals the server's core. Without taskset or
 * with one CPU the commands run unpinned (and the tables say so).
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';

export const SERVER_CPU = 0;
export const LOAD_CPU = 1;

function detect(): boolean {
  if (availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const CAN_PIN = detect();

/** `command` prefixed with `taskset -c cpu` when pinning is possible. */
export function pinned(cpu: number, command: readonly string[]): string[] {
  return CAN_PIN ? ['taskset', '-c', String(cpu), ...command] : [...command];
}

/** Moves this process (and the children it starts from now on) to `cpu`. */
export function pinSelf(cpu: number): void {
  if (CAN_PIN) execFileSync('taskset', ['-pc', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

/**
 * `command` allowed on every CPU again. Children inherit this process's pinning, and a benchmark
 * script that places its own processes (bench/gateway.ts) sees a single CPU under it and would not pin.
 */
export function onAllCpus(command: readonly string[]): string[] {
  return CAN_PIN ? ['taskset', '-c', `0-${cpus().length - 1}`, ...command] : [...command];
}
