import type { RouteConfig } from '../config/types.js';
import type { NormalizedPath } from './normalize-path.js';

/**
 * The route table: the most specific route wins — an exact host before a `*.` wildcard before any
 * host, then the longest path prefix (matched on whole segments: `/api` covers `/api` and `/api/x`,
 * never `/apix`). No route means deny (the caller answers 404 and forwards nothing).
 */
export class RouteTable {
  readonly #routes: readonly RouteConfig[];
  /** Some route is written with upper-case letters, so a reading's case can change which route it hits. */
  readonly #mixedCase: boolean;

  constructor(routes: readonly RouteConfig[]) {
    // Sorted once, most specific first, so `match` returns the first that fits.
    this.#routes = [...routes].sort((a, b) => hostRank(b) - hostRank(a) || b.path.length - a.path.length);
    this.#mixedCase = routes.some((route) => route.literalPath !== route.path);
  }

  /** `host` lower-case without port; `matchPath` from normalizePath. */
  match(host: string, matchPath: string): RouteConfig | undefined {
    for (const route of this.#routes) {
      if (hostMatches(route.host, host) && pathMatches(route.path, matchPath)) return route;
    }
    return undefined;
  }

  /**
   * The routes a request must satisfy, the main reading's route first: one per distinct route that some
   * reading of the path matches (`matchPaths` against route paths as configured, `literalPaths`
   * case-sensitively against them as written). Undefined when some reading matches no route: no route
   * means deny, whichever way the upstream reads the path (checklist G2).
   */
  candidates(host: string, normalized: NormalizedPath & { ok: true }): readonly RouteConfig[] | undefined {
    const main = this.match(host, normalized.matchPath);
    if (main === undefined) return undefined;
    const found = [main];
    const add = (route: RouteConfig | undefined): boolean => {
      if (route === undefined) return false;
      if (!found.includes(route)) found.push(route);
      return true;
    };
    for (let i = 1; i < normalized.matchPaths.length; i++) {
      if (!add(this.match(host, normalized.matchPaths[i]!))) return undefined;
    }
    for (const reading of normalized.literalPaths) {
      // A lower-case reading against lower-case routes is one of matchPaths already.
      if (!this.#mixedCase && reading === reading.toLowerCase()) continue;
      if (!add(this.#matchLiteral(host, reading))) return undefined;
    }
    return found;
  }

  #matchLiteral(host: string, path: string): RouteConfig | undefined {
    for (const route of this.#routes) {
      if (hostMatches(route.host, host) && pathMatches(route.literalPath, path)) return route;
    }
    return undefined;
  }

  get routes(): readonly RouteConfig[] {
    return this.#routes;
  }
}

function hostRank(route: RouteConfig): number {
  if (route.host === undefined) return 0;
  return route.host.startsWith('*.') ? 1 : 2;
}

function hostMatches(pattern: string | undefined, host: string): boolean {
  if (pattern === undefined) return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return pattern === host;
}

function pathMatches(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  return path === prefix || (path.startsWith(prefix) && path[prefix.length] === '/');
}

/** The host of a Host header value, lower-case, without port; undefined when malformed. */
export function hostOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/.exec(value);
  return match === null ? undefined : match[1]!.toLowerCase();
}
