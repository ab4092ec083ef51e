// A round-robin HTTP proxy for the cluster scenario (bench/scenarios/cluster.ts): node:http alone,
// keep-alive to every upstream, one upstream per request in turn. It forwards the Host header as sent,
// so every instance sees the issuer's (the proxy's) origin. Usage: node round-robin-proxy.mjs PORT
// UPSTREAM_PORT…; reports { type: 'ready' } over IPC once it listens.
import { Agent, createServer, request } from 'node:http';

const [port, ...upstreams] = process.argv.slice(2).map(Number);
const agents = upstreams.map(() => new Agent({ keepAlive: true, maxSockets: 64 }));
let next = 0;

const server = createServer((incoming, outgoing) => {
  const i = next;
  next = (next + 1) % upstreams.length;
  const forwarded = request(
    {
      host: '127.0.0.1',
      port: upstreams[i],
      method: incoming.method,
      path: incoming.url,
      headers: incoming.headers,
      agent: agents[i],
    },
    (response) => {
      outgoing.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(outgoing);
    },
  );
  forwarded.once('error', () => {
    if (!outgoing.headersSent) outgoing.writeHead(502);
    outgoing.end();
  });
  incoming.pipe(forwarded);
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => process.send?.({ type: 'ready' }));
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
