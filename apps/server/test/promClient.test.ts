import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromClient, PrometheusError } from '../src/prom/client';
import { waitFor } from './helpers';

// A real HTTP server standing in for broken Prometheus-compatible endpoints; the happy path
// against a real Prometheus is covered in server.test.ts.
let server: Server;
let base: string;
const hanging = new Set<ServerResponse>();
/** Requests that reached `/count/`, with their form bodies. */
const counted: URLSearchParams[] = [];
let flakyUp = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/slow/')) {
      hanging.add(res);
      return;
    }
    if (req.url?.startsWith('/flaky/') && !flakyUp) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('overloaded');
      return;
    }
    if (req.url?.startsWith('/count/')) {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        counted.push(new URLSearchParams(body));
        // Answer a little later, so concurrent callers overlap.
        setTimeout(() => {
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
        }, 50);
      });
      return;
    }
    if (req.url?.startsWith('/html/')) {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
      return;
    }
    if (req.url?.startsWith('/auth/')) {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'error', error: 'missing token' }));
      return;
    }
    if (req.url?.startsWith('/bad/')) {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 5' }));
      return;
    }
    const auth = req.headers.authorization ?? '';
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'vector',
          result: [
            { metric: { auth, x: 'y' }, value: [1, '2.5'] },
            { metric: {}, value: [1, 'NaN'] },
          ],
        },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** A port nothing listens on (bound, then closed). */
const closedPort = async (): Promise<number> => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
};

const failure = async (p: Promise<unknown>): Promise<PrometheusError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof PrometheusError) return err;
    throw err;
  }
  throw new Error('expected a PrometheusError');
};

describe('PromClient', () => {
  it('parses an instant vector and sends credentials', async () => {
    const r = await new PromClient({ url: `${base}/`, bearerToken: 'abc' }).query('up');
    expect(r[0]).toEqual({ metric: { auth: 'Bearer abc', x: 'y' }, value: 2.5 });
    expect(Number.isNaN(r[1]?.value)).toBe(true);
    const basic = await new PromClient({ url: base, basicAuth: { username: 'u', password: 'p' } }).query(
      'up',
    );
    expect(basic[0]?.metric.auth).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });
  it('says when Prometheus cannot be reached', async () => {
    const port = await closedPort();
    const err = await failure(new PromClient({ url: `http://127.0.0.1:${port}` }).query('up'));
    expect(err.kind).toBe('unreachable');
    expect(err.message).toBe(
      `Prometheus at http://127.0.0.1:${port} is not answering (connection refused): check --prometheus-url and that Prometheus is running.`,
    );
    expect(err.reason).toBe('connection refused');
    // fetch refuses some ports before connecting; the reason still says why.
    expect((await failure(new PromClient({ url: 'http://127.0.0.1:1' }).query('up'))).reason).toBe(
      'bad port',
    );
  });
  it('gives up after the timeout', async () => {
    const err = await failure(new PromClient({ url: `${base}/slow`, timeoutMs: 300 }).query('up'));
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain('is too slow: it did not answer within 300 ms');
  });
  it('passes on the query error and hints at credentials', async () => {
    expect((await failure(new PromClient({ url: `${base}/bad` }).query('up{'))).message).toBe(
      'Prometheus rejected the query: parse error at char 5.',
    );
    expect((await failure(new PromClient({ url: `${base}/auth` }).query('up'))).message).toContain(
      'Check the Prometheus credentials',
    );
    expect((await failure(new PromClient({ url: `${base}/html` }).query('up'))).message).toContain(
      'is this URL a Prometheus API?',
    );
  });
});

describe('PromClient circuit breaker', () => {
  it('opens after three timeouts, then fails at once and sends nothing', async () => {
    const client = new PromClient({
      url: `${base}/slow`,
      timeoutMs: 200,
      coalesce: false,
      probeIntervalMs: 60_000,
    });
    for (let i = 0; i < 3; i++) expect((await failure(client.query(`up${i}`))).kind).toBe('timeout');
    const held = hanging.size;
    const t0 = performance.now();
    const err = await failure(client.query('up'));
    expect(performance.now() - t0).toBeLessThan(50);
    expect(err.kind).toBe('circuit_open');
    expect(err.message).toMatch(
      /^Prometheus is too slow \(no answer within 200 ms\) since \d\d:\d\d:\d\d UTC; no good answer since Sextant started\./,
    );
    expect(hanging.size).toBe(held);
    expect(client.status()).toMatchObject({
      queriesSent: 3,
      breaker: { state: 'open', consecutiveFailures: 3 },
    });
    client.stop();
  });

  it('does not open on rejected queries (the query is wrong, not Prometheus)', async () => {
    const client = new PromClient({ url: `${base}/bad`, coalesce: false });
    for (let i = 0; i < 5; i++) expect((await failure(client.query('up{'))).kind).toBe('query');
    expect(client.status().breaker.state).toBe('closed');
    client.stop();
  });

  it('probes in the background and closes by itself when Prometheus answers again', async () => {
    flakyUp = false;
    const client = new PromClient({ url: `${base}/flaky`, coalesce: false, probeIntervalMs: 100 });
    for (let i = 0; i < 3; i++) await failure(client.query('up'));
    expect(client.status().breaker).toMatchObject({
      state: 'open',
      lastFailure: { kind: 'error', reason: 'HTTP 503' },
    });
    flakyUp = true;
    await waitFor(() => client.status().breaker.state === 'closed', { timeoutMs: 5_000, what: 'closed' });
    expect(client.status().probesSent).toBeGreaterThan(0);
    expect(await client.query('up')).toHaveLength(2);
    client.stop();
  });
});

describe('PromClient shared queries', () => {
  it('sends 50 identical concurrent queries once, at a time aligned to the 5 s bucket', async () => {
    counted.length = 0;
    const client = new PromClient({ url: `${base}/count` });
    await Promise.all(Array.from({ length: 50 }, () => client.query('sum(up)')));
    expect(counted).toHaveLength(1);
    expect(Number(counted[0]?.get('time')) % 5).toBe(0);
    // Kept for the rest of the bucket (or asked once more if the bucket just ended).
    await client.query('sum(up)');
    expect(counted.length).toBeLessThanOrEqual(2);
    await client.query('sum(rate(up[5m]))');
    expect(counted.map((b) => b.get('query'))).toContain('sum(rate(up[5m]))');
    const s = client.status().sharing;
    expect(s.inFlightJoins).toBe(49);
    expect(s.hitRate).toBeGreaterThan(0.9);
    client.stop();
  });

  it('sends each one when coalescing is off', async () => {
    counted.length = 0;
    const client = new PromClient({ url: `${base}/count`, coalesce: false });
    await Promise.all(Array.from({ length: 20 }, () => client.query('sum(up)')));
    expect(counted).toHaveLength(20);
    expect(counted[0]?.get('time')).toBeNull();
    expect(client.status()).toMatchObject({ queriesSent: 20, coalescing: false });
    client.stop();
  });
});
