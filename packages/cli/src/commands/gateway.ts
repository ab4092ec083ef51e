import { optionalString } from '../lib/args.js';
import type { Command } from '../lib/command.js';
import { println } from '../lib/io.js';

export const gateway: Command = {
  path: ['gateway'],
  summary: 'Run the gateway: OIDC sign-in and token checks in front of HTTP services (see docs/gateway.md)',
  options: {},
  async run(values, _positionals, io) {
    // Loaded here, not at the top: every command shares this module graph, and the gateway (undici and
    // its own stores) is ~8 MB resident that `latchkey serve` would otherwise carry.
    const { loadGatewayConfig, startGateway } = await import('@latchkey/gateway');
    const file = optionalString(values, 'config');
    const databaseUrl = optionalString(values, 'database');
    const config = loadGatewayConfig({
      ...(file === undefined ? {} : { file }),
      env: databaseUrl === undefined ? io.env : { ...io.env, LATCHKEY_GATEWAY_DATABASE_URL: databaseUrl },
    });
    const running = await startGateway(config);
    println(
      io.stderr,
      `latchkey gateway: listening on ${running.url} (public URL ${config.publicUrl.origin})`,
    );
    // Stop on SIGINT/SIGTERM: close connections and the session database.
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        running.close().then(resolve, resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
