/**
 * The load generator, a process of its own (pinned by the suite to the core the server does not use).
 * Receives one LoadJob over IPC, runs it for its time bound, answers with a LoadResult.
 *   - http: autocannon with keep-alive connections; throughput counts only 2xx answers.
 *   - flows: one client loop doing complete sign-ins (authorize → login POST → consent POST → token)
 *     back to back, as one user agent would.
 */
import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';
import { HttpBrowser } from '../../test/helpers/http-browser.js';
import type { FlowLoad, HttpLoad, LoadJob, LoadResult } from './load-job.js';
import { authorize, exchangeCode, newPkce } from './sign-in.js';

/** Nearest-rank percentile (sorts in place). */
function percentile(values: number[], q: number): number {
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;
}

async function runHttp(job: HttpLoad): Promise<LoadResult> {
  let next = 0;
  // autocannon's histogram keeps whole milliseconds; sub-millisecond answers need their own record.
  const latencies: number[] = [];
  let instance: autocannon.Instance | undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: job.url,
        method: job.method,
        headers: job.headers,
        connections: job.connections,
        duration: job.seconds,
        ...(job.body === undefined ? {} : { body: job.body }),
        ...(job.bodies ? { amount: job.bodies.length } : {}),
        ...(job.bodies
          ? {
              requests: [
                {
                  setupRequest: (request: Record<string, unknown>) => ({
                    ...request,
                    body: job.bodies![next++] ?? '',
                  }),
                },
              ],
            }
          : {}),
      } as autocannon.Options,
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  // With a fixed supply of bodies autocannon stops at its next 1 s sample tick after the last answer,
  // so its duration rounds a short run up to whole seconds (4.2 s of work read as 5 s). Such a run is
  // timed here instead, from the start to the last answer.
  const started = performance.now();
  let lastAnswer = started;
  instance!.on('response', (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
    lastAnswer = performance.now();
  });
  const result = await done;
  const ok = result['2xx'];
  const seconds = job.bodies ? (lastAnswer - started) / 1000 : result.duration;
  return {
    perSecond: ok / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    errors: result.errors + result.timeouts + result.non2xx,
    total: ok,
    seconds,
  };
}

/**
 * Refresh-token rotation: autocannon resets a connection's context after each request, so it cannot
 * carry the rotated token; here each of `connections` keep-alive loops sends, every time, the refresh
 * token the previous answer returned. A failed answer ends that loop's chain (and counts as an error).
 */
async function runChains(job: HttpLoad & { chain: NonNullable<HttpLoad['chain']> }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const url = new URL(job.url);
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + job.seconds * 1000;
  const post = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        url,
        { method: 'POST', agent, headers: { ...job.headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.once('error', reject);
      req.end(body);
    });
  const loop = async (initial: string) => {
    let token: string | undefined = initial;
    while (token !== undefined && performance.now() < end) {
      const began = performance.now();
      const answer: { status: number; text: string } = await post(
        job.chain.prefix + encodeURIComponent(token),
      ).catch(() => ({
        status: 0,
        text: '',
      }));
      if (answer.status !== 200) {
        errors++;
        token = undefined;
        break;
      }
      latencies.push(performance.now() - began);
      token = (JSON.parse(answer.text) as { refresh_token?: string }).refresh_token;
      if (token === undefined) errors++;
    }
  };
  await Promise.all(job.chain.initial.map(loop));
  agent.destroy();
  return summarize(latencies, errors, start);
}

async function runFlows(job: FlowLoad): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + job.seconds * 1000;
  while (performance.now() < end) {
    const began = performance.now();
    try {
      const pkce = newPkce();
      const browser = new HttpBrowser(job.origin);
      const code = await authorize(browser, job.endpoints, {
        client: job.client,
        account: job.account,
        scope: job.scope,
        pkce,
      });
      await exchangeCode(job.endpoints, job.client, code, pkce);
      latencies.push(performance.now() - began);
    } catch {
      errors++;
    }
  }
  return summarize(latencies, errors, start);
}

/** Requests per second and latency percentiles of one timed loop that began at `start`. */
function summarize(latencies: number[], errors: number, start: number): LoadResult {
  const seconds = (performance.now() - start) / 1000;
  return {
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    errors,
    total: latencies.length,
    seconds,
  };
}

process.once('message', async (job: LoadJob) => {
  const result =
    job.kind === 'flows'
      ? await runFlows(job)
      : job.chain
        ? await runChains({ ...job, chain: job.chain })
        : await runHttp(job);
  process.send?.(result, () => process.exit(0));
});
