import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromClient, PrometheusError } from '../src/prom/client';

// A real HTTP server standing in for broken Prometheus-compatible endpoints; the happy path
// against a real Prometheus is covered in server.test.ts.
let server: Server;
let base: string;
const hanging = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/slow/')) {
      hanging.add(res);
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
    const err = await failure(new PromClient({ url: 'http://127.0.0.1:1' }).query('up'));
    expect(err.kind).toBe('unreachable');
    expect(err.message).toContain('Cannot reach Prometheus at http://127.0.0.1:1');
  });
  it('gives up after the timeout', async () => {
    const err = await failure(new PromClient({ url: `${base}/slow`, timeoutMs: 300 }).query('up'));
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain('did not answer within 300 ms');
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
