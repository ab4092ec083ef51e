/** Runs one LoadJob in a fresh load-generator process pinned to the load core. */
import { spawn } from 'node:child_process';
import type { LoadJob, LoadResult } from './load-job.js';
import { LOAD_CPU, pinned } from './pinning.js';

const WORKER = new URL('./load-worker.ts', import.meta.url).pathname;

export function runLoad(job: LoadJob): Promise<LoadResult> {
  const [command, ...args] = pinned(LOAD_CPU, [process.execPath, '--import', 'tsx', WORKER]);
  const child = spawn(command!, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (result) => resolve(result as LoadResult));
    child.once('exit', (code) => reject(new Error(`load generator exited (${code}) without a result`)));
    child.send(job);
  });
}
