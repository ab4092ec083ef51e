import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../src/run.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** A fresh data folder with its own SQLite database and development secret, removed by `cleanup`. */
export function tempWorkspace(): { env: NodeJS.ProcessEnv; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
  return {
    dir,
    env: {
      DATABASE_URL: `sqlite:${join(dir, 'latchkey.db')}`,
      LATCHKEY_DATA_DIR: dir,
      LATCHKEY_SECRET: Buffer.alloc(32, 7).toString('base64'),
      LATCHKEY_LOG_LEVEL: 'silent',
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs `latchkey ARGS` in-process, as a user would, with its own stdin text and environment. */
export async function cli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stdinText = '',
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const status = await runCli(args, { stdout, stderr, stdin: Readable.from([stdinText]), env });
  return { status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
