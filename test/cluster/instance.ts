/**
 * One provider instance of the cluster tests, in its own process so a test can `kill -9` it. Configured
 * by the environment exactly as `latchkey serve` is; prints `READY <url>` once it listens and closes
 * gracefully on SIGTERM.
 */
import { loadConfig, startProvider } from '@latchkey/provider';

const provider = await startProvider(loadConfig({ env: process.env }));
process.stdout.write(`READY ${provider.url}\n`);
process.once('SIGTERM', () => {
  provider.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
