import { connect, type Socket } from 'node:net';

/** A response read off the wire: status, headers (lower-case names), body. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Opens a TCP connection to a local server; resolves once connected. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server writes until it closes the connection (or `timeoutMs` passes). */
export function readUntilClosed(
  socket: Socket,
  timeoutMs = 10_000,
): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve({ text, closed: false }), timeoutMs);
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
    });
    const done = () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    };
    socket.once('close', done);
    socket.once('error', () => {});
  });
}

/** Parses one HTTP/1.1 response (no chunked bodies needed: error answers carry Content-Length). */
export function parseResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`not an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: text.slice(end + 4) };
}

/** Sends `request` exactly as written and reads the answer of a server that closes the connection. */
export async function rawRequest(port: number, request: string): Promise<RawResponse> {
  const socket = await openSocket(port);
  const reading = readUntilClosed(socket);
  socket.write(request);
  const { text } = await reading;
  socket.destroy();
  return parseResponse(text);
}
