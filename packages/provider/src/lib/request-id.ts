/**
 * Request ids as Fastify makes them by default (`req-1`, `req-2`, … in base 36, wrapping below 2³¹), as
 * one sequence the app gives Fastify (`genReqId`) and uses for the requests answered before Fastify
 * (lib/form-fast-path.ts), so no two requests' log lines share an id.
 */
export function requestIdSequence(): (request?: unknown) => string {
  let last = 0;
  return () => {
    last = (last + 1) & 0x7fffffff;
    return `req-${last.toString(36)}`;
  };
}
