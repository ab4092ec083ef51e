import type { ServerResponse } from 'node:http';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A short error page: HTML for browsers, plain text otherwise. Never holds a token, code or secret;
 * `no-store` so no cache keeps it.
 */
export function sendPage(
  res: ServerResponse,
  status: number,
  title: string,
  text: string,
  headers: Readonly<Record<string, string | string[]>> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>\n`;
  res.writeHead(status, {
    ...headers,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'",
    'content-length': Buffer.byteLength(html),
  });
  res.end(html);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'cache-control': 'no-store',
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function redirect(res: ServerResponse, location: string, cookies: readonly string[] = []): void {
  res.writeHead(302, {
    location,
    'cache-control': 'no-store',
    ...(cookies.length > 0 ? { 'set-cookie': [...cookies] } : {}),
  });
  res.end();
}
