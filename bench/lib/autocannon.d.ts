/** The slice of autocannon's programmatic API the load worker uses (the package ships no types). */
declare module 'autocannon' {
  namespace autocannon {
    type Options = Record<string, unknown>;
    interface Histogram {
      readonly p50: number;
      readonly p99: number;
    }
    interface Result {
      readonly duration: number;
      readonly errors: number;
      readonly timeouts: number;
      readonly non2xx: number;
      readonly '2xx': number;
      readonly latency: Histogram;
    }
    interface Instance {
      on(
        event: 'response',
        listener: (client: unknown, status: number, bytes: number, responseTimeMs: number) => void,
      ): void;
    }
  }
  function autocannon(
    options: autocannon.Options,
    callback: (error: Error | null, result: autocannon.Result) => void,
  ): autocannon.Instance;
  export default autocannon;
}
