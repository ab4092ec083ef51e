import { InvalidRequest } from '../errors/index.js';

/**
 * The parameters of an OAuth request, from a query string or an `application/x-www-form-urlencoded`
 * body, with the rules of RFC 6749 §3.1 applied once for every endpoint:
 * - a parameter sent more than once is an `invalid_request` (checklist A10) — raised when it is read,
 *   so an unknown duplicated parameter is still ignored;
 * - a parameter sent without a value is treated as if it were omitted;
 * - unknown parameters are ignored (they are simply never read).
 */
export class RequestParams {
  readonly #values: Map<string, string[]>;
  // Nothing changes a RequestParams once made (its map is private and no method writes to it), so one
  // empty instance serves every request without parameters.
  static readonly #none = new RequestParams(new Map());

  private constructor(values: Map<string, string[]>) {
    this.#values = values;
  }

  static fromSearchParams(search: URLSearchParams): RequestParams {
    const values = new Map<string, string[]>();
    for (const [name, value] of search) {
      const list = values.get(name);
      if (list) list.push(value);
      else values.set(name, [value]);
    }
    return new RequestParams(values);
  }

  /** Parses a form body (RFC 6749 Appendix B: UTF-8, `+` is a space). */
  static fromForm(body: string): RequestParams {
    return RequestParams.fromSearchParams(new URLSearchParams(body));
  }

  static fromUrl(url: string): RequestParams {
    const query = url.indexOf('?');
    // Most GETs of the API (UserInfo with a Bearer header) carry no query: nothing to parse.
    if (query === -1) return RequestParams.#none;
    return RequestParams.fromSearchParams(new URLSearchParams(url.slice(query + 1)));
  }

  static empty(): RequestParams {
    return RequestParams.#none;
  }

  /** The one value of `name`, or undefined when absent or empty; `invalid_request` when repeated. */
  get(name: string): string | undefined {
    const list = this.#values.get(name);
    if (list === undefined) return undefined;
    // Nearly every parameter is sent once: answer that without building the filtered copy below.
    if (list.length === 1) return list[0] === '' ? undefined : list[0];
    const present = list.filter((v) => v !== '');
    if (present.length > 1 || (list.length > 1 && present.length === 1)) {
      throw new InvalidRequest(`The ${name} parameter is included more than once`);
    }
    return present[0];
  }

  /** Like get, but `invalid_request` naming the parameter when it is missing. */
  require(name: string): string {
    const value = this.get(name);
    if (value === undefined) throw new InvalidRequest(`The ${name} parameter is required`);
    return value;
  }

  /**
   * Every value of a parameter that may be repeated (RFC 8707 §2: `resource` "MAY be used multiple
   * times"), empty values dropped, duplicates removed, in order. Only such parameters are read this way.
   */
  all(name: string): string[] {
    return [...new Set((this.#values.get(name) ?? []).filter((v) => v !== ''))];
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Every parameter name present (with a value), for checks such as "two client credentials". */
  names(): string[] {
    return [...this.#values.entries()].filter(([, list]) => list.some((v) => v !== '')).map(([name]) => name);
  }

  /** A space-delimited list parameter (scope, prompt, acr_values …), de-duplicated, in order. */
  list(name: string): string[] {
    const value = this.get(name);
    return value === undefined ? [] : [...new Set(value.split(' ').filter((s) => s !== ''))];
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the body was `application/x-www-form-urlencoded` (see registerFormParser). */
    form?: RequestParams;
  }
}
