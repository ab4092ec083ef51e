import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Decider } from '../auth/decide.js';
import { startQuery } from '../auth/step-up.js';
import type { GatewayConfig } from '../config/types.js';
import { normalizePath } from '../policy/normalize-path.js';
import { hostOf, type RouteTable } from '../policy/routes.js';
import { identityHeaders } from '../proxy/headers.js';
import { sendJson } from '../proxy/pages.js';

export interface ForwardAuthDeps {
  readonly config: GatewayConfig;
  readonly routes: RouteTable;
  readonly decider: Decider;
}

/**
 * `GET /_auth` for nginx `auth_request`, Traefik `ForwardAuth` and Envoy `ext_authz` (HTTP):
 * 200 with the identity headers, 401 (with the Bearer challenge, or a redirect to sign in when
 * `forwardAuthRedirect` is on), or 403. The original request is described by `X-Original-URI` /
 * `X-Forwarded-Uri`, `X-Forwarded-Host` and `X-Original-Method` / `X-Forwarded-Method`, which are
 * believed only from a trusted proxy (checklist G1); anyone else gets 403, since the gateway could not
 * know what it is asked about. The original path is normalized and matched like a proxied request (G2).
 */
export function createForwardAuth(deps: ForwardAuthDeps) {
  const { config } = deps;
  return async (req: IncomingMessage, res: ServerResponse, peerTrusted: boolean): Promise<void> => {
    if (!peerTrusted) {
      return sendJson(res, 403, {
        error: 'forbidden',
        error_description: 'forward-auth answers trusted proxies only',
      });
    }
    const h = req.headers;
    const uri = first(h['x-original-uri']) ?? first(h['x-forwarded-uri']) ?? '/';
    const method = (first(h['x-original-method']) ?? first(h['x-forwarded-method']) ?? 'GET').toUpperCase();
    const host = hostOf(first(h['x-forwarded-host']) ?? h.host);
    const normalized = normalizePath(uri, config.caseSensitivePaths);
    if (host === undefined || !normalized.ok) {
      return sendJson(res, 400, {
        error: 'invalid_request',
        error_description: 'the original request is malformed',
      });
    }
    const candidates = deps.routes.candidates(host, normalized);
    if (candidates === undefined)
      return sendJson(res, 403, { error: 'forbidden', error_description: 'no route' });
    const outcome = await deps.decider.decideAll(req, candidates, method, uri);
    switch (outcome.kind) {
      case 'allow': {
        const headers: Record<string, string> = { 'cache-control': 'no-store' };
        const list =
          outcome.identity === undefined
            ? []
            : identityHeaders(outcome.identity, config.identityHeaders, config.forwardAccessToken);
        for (let i = 0; i < list.length; i += 2) headers[list[i]!] = list[i + 1]!;
        res.writeHead(200, headers);
        res.end();
        return;
      }
      case 'bearer':
        return sendJson(res, outcome.failure.status, outcome.failure.body, outcome.failure.headers);
      case 'forbidden':
        return sendJson(res, 403, { error: 'forbidden' });
      case 'login': {
        const start = `${config.publicUrl.origin}${config.endpointPrefix}/start?${startQuery({ stepUp: outcome.stepUp }, uri)}`;
        if (config.forwardAuthRedirect) {
          res.writeHead(302, { location: start, 'cache-control': 'no-store' });
          res.end();
          return;
        }
        return sendJson(res, 401, { error: 'login_required' }, { 'x-auth-request-redirect': start });
      }
    }
  };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
