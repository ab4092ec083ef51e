/** How hard one logout token is pushed to one relying party. Milliseconds. */
export interface DeliverySettings {
  /** Attempts in all, the first included (bounded: a dead RP must not keep the provider busy). */
  readonly attempts: number;
  /** Each attempt is abandoned after this long. */
  readonly timeout: number;
  /** The wait before the second attempt; doubled before each further one. */
  readonly backoff: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = { attempts: 3, timeout: 5000, backoff: 1000 };

/** Time and I/O, injectable so tests neither sleep nor touch the network (DESIGN rule 4). */
export interface DeliveryIo {
  readonly fetch: typeof fetch;
  /** Resolves after `ms` (real timers by default; tests resolve at once). */
  readonly delay: (ms: number) => Promise<void>;
  /** A signal that aborts after `ms` (AbortSignal.timeout by default). */
  readonly timeoutSignal: (ms: number) => AbortSignal;
}

export const defaultDeliveryIo = (fetchFn: typeof fetch = fetch): DeliveryIo => ({
  fetch: fetchFn,
  delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
  timeoutSignal: (ms) => AbortSignal.timeout(ms),
});

export interface DeliveryOutcome {
  readonly delivered: boolean;
  readonly attempts: number;
  /** Why the last attempt failed: `status 503`, `timeout`, `network`, `redirect`. Never the token. */
  readonly reason?: string;
}

/**
 * POSTs `logout_token` as a form to the RP's back-channel logout URI (Back-Channel Logout §2.5).
 * §2.8: the RP answers 200 (204 is accepted too) when it logged out, 400 when the token was bad. A 4xx
 * is final (the same token would be refused again); a 5xx, a timeout or a network error is retried
 * after `backoff`, `2 × backoff`, … up to `attempts` in all. Redirects are not followed: the registered
 * URI is the only place the token goes.
 */
export async function deliverLogoutToken(
  uri: string,
  logoutToken: string,
  settings: DeliverySettings,
  io: DeliveryIo,
): Promise<DeliveryOutcome> {
  let reason = 'not attempted';
  for (let attempt = 1; attempt <= settings.attempts; attempt++) {
    if (attempt > 1) await io.delay(settings.backoff * 2 ** (attempt - 2));
    let retry: boolean;
    try {
      const response = await io.fetch(uri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ logout_token: logoutToken }).toString(),
        redirect: 'manual',
        signal: io.timeoutSignal(settings.timeout),
      });
      // The body is never read (rule 9: nothing unbounded comes in); release the connection.
      await response.body?.cancel().catch(() => {});
      if (response.status >= 200 && response.status < 300) return { delivered: true, attempts: attempt };
      reason = response.status >= 300 && response.status < 400 ? 'redirect' : `status ${response.status}`;
      retry = response.status >= 500 || response.status === 429;
    } catch (error) {
      reason = isAbort(error) ? 'timeout' : 'network';
      retry = true;
    }
    if (!retry) return { delivered: false, attempts: attempt, reason };
  }
  return { delivered: false, attempts: settings.attempts, reason };
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}
