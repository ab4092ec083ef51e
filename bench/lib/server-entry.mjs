// Shared by the server processes under test (plain JavaScript, so they run as `node file.mjs` with no
// TypeScript loader: tsx's loader thread alone adds tens of MB of RSS, which would swamp the memory
// figures). The suite sends the fixtures; the server answers with `ServerReady` (bench/lib/fixtures.ts).
import { createServer } from 'node:net';

/** A free loopback port, so the issuer (which must be known before start) can be the server's own URL. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The `ServerSetup` the suite sends first. */
export function receiveSetup() {
  return new Promise((resolve) => process.once('message', resolve));
}

/** Reports readiness; stops (with `stop`) on SIGTERM or when the suite goes away. */
export function serve(ready, stop) {
  process.send(ready);
  let stopping = false;
  const once = () => {
    if (stopping) return;
    stopping = true;
    Promise.resolve(stop()).finally(() => process.exit(0));
  };
  process.on('SIGTERM', once);
  process.on('disconnect', once);
}
