import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { createLogger } from '../../src/lib/create-logger.js';

const MODULE = new URL('../../src/lib/create-logger.ts', import.meta.url).href;

/**
 * Runs `script` in a child (TypeScript via the test runner's loader) with `log` = createLogger('info')
 * writing to its standard output; resolves to the lines read, each with how long before the child's end it came.
 */
function runLogging(script: string): Promise<{ msg: string; beforeExitMs: number }[]> {
  const source = `import { createLogger } from ${JSON.stringify(MODULE)};\nconst log = createLogger('info');\n${script}`;
  const child = spawn(process.execPath, [...process.execArgv, '--input-type=module', '-e', source], {
    // The uncaught exception's report goes to stderr, which the test does not read.
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const lines: { msg: string; at: number }[] = [];
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    let end = pending.indexOf('\n');
    while (end !== -1) {
      lines.push({ msg: JSON.parse(pending.slice(0, end)).msg, at: Date.now() });
      pending = pending.slice(end + 1);
      end = pending.indexOf('\n');
    }
  });
  return new Promise((resolve) =>
    child.once('close', () => {
      const closed = Date.now();
      resolve(lines.map(({ msg, at }) => ({ msg, beforeExitMs: closed - at })));
    }),
  );
}

describe('createLogger without a destination: standard output, buffered (issue 21)', () => {
  test('gathers lines before writing them (a buffer, not one write per line)', () => {
    const stream = (createLogger('silent') as unknown as Record<symbol, { minLength?: number }>)[
      pino.symbols.streamSym
    ];
    assert.ok((stream?.minLength ?? 0) > 0);
  });

  test('a line reaches standard output while the process runs, long before it exits', async () => {
    // The child logs once and stays up 1.5 s: the periodic flush, not the exit, must write the line.
    const lines = await runLogging(`log.info('early'); setTimeout(() => {}, 1500);`);
    assert.deepEqual(
      lines.map((l) => l.msg),
      ['early'],
    );
    // Written within the 100 ms flush interval: ~1.4 s before the end (at the end, were it held until then).
    assert.ok(lines[0]!.beforeExitMs > 1000, `the line came ${lines[0]!.beforeExitMs} ms before the exit`);
  });

  test('no line is lost when the process exits at once or dies of an uncaught exception', async () => {
    for (const ending of ['process.exit(0)', `throw new Error('stop')`]) {
      const lines = await runLogging(
        `log.info('one'); setTimeout(() => { log.info('two'); log.info('three'); ${ending}; }, 20);`,
      );
      assert.deepEqual(
        lines.map((l) => l.msg),
        ['one', 'two', 'three'],
        ending,
      );
    }
  });
});
