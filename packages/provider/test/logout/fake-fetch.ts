/** One request the provider sent through the fake fetch. */
export interface SentRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: URLSearchParams;
  readonly redirect: RequestInit['redirect'];
  readonly signal: AbortSignal | undefined;
}

/** What the fake answers one request with: a status, a thrown error, or a promise it waits on. */
export type FakeAnswer = number | Error | (() => Promise<Response>);

/**
 * A fetch for the back channel that records every request and answers from a per-URL script (200
 * once the script runs out). `next()` resolves with the next request sent, so a test waits for a
 * delivery that runs after the HTTP answer without sleeping.
 */
export function fakeFetch() {
  const sent: SentRequest[] = [];
  const scripts = new Map<string, FakeAnswer[]>();
  let waiters: ((request: SentRequest) => void)[] = [];
  let unseen = 0;
  const fetchFn = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const request: SentRequest = {
      url: String(input),
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: new URLSearchParams(String(init.body ?? '')),
      redirect: init.redirect,
      signal: init.signal ?? undefined,
    };
    sent.push(request);
    const waiter = waiters.shift();
    if (waiter) waiter(request);
    else unseen++;
    const answer = scripts.get(request.url)?.shift() ?? 200;
    if (answer instanceof Error) throw answer;
    if (typeof answer === 'function') return answer();
    return new Response(answer === 204 ? null : 'ok', { status: answer });
  };
  return {
    fetch: fetchFn as typeof fetch,
    sent,
    /** Answers the next requests to `url` with `answers`, in order. */
    script(url: string, ...answers: FakeAnswer[]) {
      scripts.set(url, [...(scripts.get(url) ?? []), ...answers]);
    },
    /** The next request not yet waited for (one already sent resolves at once). */
    next(): Promise<SentRequest> {
      if (unseen > 0) {
        const request = sent[sent.length - unseen]!;
        unseen--;
        return Promise.resolve(request);
      }
      return new Promise((resolve) => waiters.push(resolve));
    },
    reset() {
      sent.length = 0;
      scripts.clear();
      waiters = [];
      unseen = 0;
    },
  };
}

export type FakeFetch = ReturnType<typeof fakeFetch>;
