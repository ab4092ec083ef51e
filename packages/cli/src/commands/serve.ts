import { startProvider } from '@latchkey/provider';
import { optionalString, parsePort } from '../lib/args.js';
import type { Command } from '../lib/command.js';
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
      description: 'issuer identifier (default http://localhost:8080); env LATCHKEY_ISSUER',
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
    const provider = await startProvider(config);
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
