import type { Readable, Writable } from 'node:stream';

/** Everything a command touches outside itself, injectable so tests run commands in-process. */
export interface CommandIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  readonly env: NodeJS.ProcessEnv;
}

export function processIo(): CommandIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

export function println(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}

/** Reads all of stdin (for --password-stdin, --client-secret-stdin), without the final newline. */
export async function readAllStdin(stdin: Readable, limitBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limitBytes) throw new Error(`standard input is larger than ${limitBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
