import { PortUnavailableError, type RunningProvider, startProvider } from '@latchkey/provider';
import { optionalString, parsePort } from '../lib/args.js';
import type { Command } from '../lib/command.js';
import { CommandError } from '../lib/errors.js';
import { commandConfig } from '../lib/provider-context.js';

export const serve: Command = {
  path: ['serve'],
  summary:
    'Run the OpenID Provider (SQLite in ./latchkey-data by default; PostgreSQL with --database postgres://…)',
  options: {
    port: {
      type: 'string',
      valueName: 'PORT',
      description: 'port to listen on (default 8080); env LATCHKEY_PORT',
    },
    host: {
      type: 'string',
      valueName: 'HOST',
      description: 'address to listen on (default 127.0.0.1); env LATCHKEY_HOST',
    },
    issuer: {
      type: 'string',
      valueName: 'URL',
      description: 'issuer identifier (default http://localhost:PORT); env LATCHKEY_ISSUER',
    },
  },
  async run(values, _positionals, io) {
    const port = optionalString(values, 'port');
    const host = optionalString(values, 'host');
    const issuer = optionalString(values, 'issuer');
    const config = commandConfig(values, io, {
      ...(port === undefined ? {} : { port: parsePort(port, 'port') }),
      ...(host === undefined ? {} : { host }),
      ...(issuer === undefined ? {} : { issuer }),
    });
    let provider: RunningProvider;
    try {
      provider = await startProvider(config, { env: io.env });
    } catch (error) {
      if (error instanceof PortUnavailableError) throw new CommandError(portMessage(error, issuer));
      throw error;
    }
    // Stop on SIGINT/SIGTERM: finish in-flight requests, stop the rotation timers, close the database.
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        provider.close().then(resolve, resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};

/** Checked before the database is opened: nothing was migrated or created. */
function portMessage(error: PortUnavailableError, issuer: string | undefined): string {
  const taken = error.reason === 'EADDRINUSE' ? 'is already in use' : `cannot be used (${error.reason})`;
  return (
    `port ${error.port} on ${error.host} ${taken}. Choose another with --port` +
    (issuer === undefined
      ? ' (the development issuer follows it).'
      : ` and change --issuer ${issuer} to match.`) +
    ' Nothing was changed in the database.'
  );
}
