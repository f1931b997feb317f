/**
 * Port-forward through mesh-sim to a real local HTTP server standing in for bookinfo's
 * productpage: kubectl 1.32 (SPDY, after its refused WebSocket tunnel attempt) and
 * client-node 1.4 (WebSocket v4.channel.k8s.io), plus the refusals.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { KubeConfig, PortForward } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMeshSim } from '../src/sim';
import type { MeshSim } from '../src/sim';
import { VIEWER_CONTEXT } from '../src/tls/kubeconfig';
import { KUBECTL_1_30, kubectl, spawnKubectl } from './helpers/kubectl';
import type { RunningKubectl } from './helpers/kubectl';
import { makeTempDir } from './helpers/tempDir';
import { waitFor } from './helpers/waitFor';

let sim: MeshSim;
let backend: http.Server;
let pod: string;
const tmp = makeTempDir('mesh-sim-portforward-');
const running: RunningKubectl[] = [];
/** The simulator's log: it names the upgrade each port-forward arrived with. */
const log: string[] = [];
const upgradesSince = (mark: number) =>
  log.slice(mark).flatMap((line) => /^port-forward \S+ \((.+)\)$/.exec(line)?.[1] ?? []);
const BIG = '0123456789abcdef'.repeat(256 * 1024); // 4 MiB

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    // Dashboards move megabytes of JavaScript through port-forwards: check flow control too.
    if (req.url === '/big') res.end(BIG);
    else if (req.method === 'POST') {
      let received = 0;
      req.on('data', (d: Buffer) => (received += d.length));
      req.on('end', () => res.end(`received ${received} bytes\n`));
    } else res.end(`productpage stand-in answered ${req.method ?? ''} ${req.url ?? ''}\n`);
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const port = (backend.address() as AddressInfo).port;
  sim = await startMeshSim({
    scenario: 'bookinfo',
    traffic: false,
    podEndpoints: [`bookinfo/productpage-v1:9080=127.0.0.1:${port}`],
    log: (line) => log.push(line),
  });
  const found = sim.store.list('pods', 'bookinfo').find((p) => p.metadata.labels?.app === 'productpage');
  if (found === undefined) throw new Error('bookinfo has no productpage pod');
  pod = found.metadata.name;
});

afterAll(async () => {
  await Promise.all(running.map((k) => k.stop()));
  await sim?.stop();
  await new Promise<void>((resolve) => backend?.close(() => resolve()));
  tmp.remove();
});

/** One HTTP GET on a fresh connection (no keep-alive, so each request is a new forwarded stream). */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
}

/** One HTTP POST on a fresh connection; answers the response body. */
function post(port: number, path: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent: false, timeout: 10_000 },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

async function startForward(
  target: string,
  remotePort: number,
  context?: string,
  bin?: string,
): Promise<{ k: RunningKubectl; port: number }> {
  const k = spawnKubectl(
    ['port-forward', '-n', 'bookinfo', '--address', '127.0.0.1', target, `:${remotePort}`],
    {
      kubeconfig: sim.kubeconfig,
      cacheDir: `${tmp.path}/cache`,
      ...(context !== undefined ? { context } : {}),
      ...(bin !== undefined ? { bin, cacheDir: `${tmp.path}/cache-${bin.replace(/\W/g, '')}` } : {}),
    },
  );
  running.push(k);
  const match = await waitFor(() => /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(k.output()), {
    timeoutMs: 20_000,
    message: `kubectl port-forward did not start: ${k.output()}`,
  });
  return { k, port: Number(match[1]) };
}

describe('kubectl port-forward (SPDY)', () => {
  it('forwards HTTP to the pod, twice in a row', async () => {
    const mark = log.length;
    const { k, port } = await startForward(`pod/${pod}`, 9080);
    const first = await get(port, '/productpage');
    expect(first).toEqual({ status: 200, body: 'productpage stand-in answered GET /productpage\n' });
    const second = await get(port, '/api/v1/products');
    expect(second.body).toBe('productpage stand-in answered GET /api/v1/products\n');
    const big = await get(port, '/big');
    expect(big.body.length).toBe(BIG.length);
    expect(big.body === BIG).toBe(true);
    expect(await post(port, '/upload', BIG)).toBe(`received ${BIG.length} bytes\n`);
    expect(k.output()).toContain('Handling connection for');
    // kubectl 1.32 tried the WebSocket tunnel first, was refused, and fell back to SPDY.
    expect(upgradesSince(mark)).toEqual(['websocket', 'SPDY/3.1']);
    await k.stop();
  });

  it('resolves a deployment to its pod', async () => {
    const { k, port } = await startForward('deployment/productpage-v1', 9080);
    expect((await get(port, '/health')).body).toContain('GET /health');
    // A browser opens several connections at once: each is its own pair of SPDY streams.
    const parallel = await Promise.all(Array.from({ length: 12 }, (_, i) => get(port, `/asset/${i}`)));
    expect(parallel.map((r) => r.body)).toEqual(
      Array.from({ length: 12 }, (_, i) => `productpage stand-in answered GET /asset/${i}\n`),
    );
    await k.stop();
  });

  it('resolves a service port to the pod behind it', async () => {
    const { k, port } = await startForward('svc/productpage', 9080);
    expect((await get(port, '/via-service')).body).toContain('GET /via-service');
    await k.stop();
  });

  it('works with kubectl 1.30 (SPDY without the WebSocket attempt)', async () => {
    const mark = log.length;
    const { k, port } = await startForward(`pod/${pod}`, 9080, undefined, KUBECTL_1_30);
    expect((await get(port, '/one')).body).toContain('GET /one');
    expect((await get(port, '/two')).body).toContain('GET /two');
    expect(upgradesSince(mark)).toEqual(['SPDY/3.1']);
    await k.stop();
  });

  it('reports an unmapped port on the error stream', async () => {
    const { k, port } = await startForward(`pod/${pod}`, 9999);
    await expect(get(port, '/')).rejects.toThrow();
    await waitFor(() => k.output().includes('error forwarding port 9999'), {
      message: `no error from kubectl: ${k.output()}`,
    });
    await k.stop();
  });

  it('refuses the viewer', async () => {
    const r = await kubectl(['port-forward', '-n', 'bookinfo', `pod/${pod}`, ':9080'], {
      kubeconfig: sim.kubeconfig,
      cacheDir: `${tmp.path}/cache-viewer`,
      context: VIEWER_CONTEXT,
      timeoutMs: 20_000,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/forbidden|Forbidden/);
  });
});

describe('client-node PortForward (WebSocket)', () => {
  /** portForward() answers the socket, or a restarter when retries are asked for (not here). */
  function close(ws: Awaited<ReturnType<PortForward['portForward']>>): void {
    if (typeof ws === 'function') ws()?.close();
    else ws.close();
  }

  function forward(context: string | undefined, port: number) {
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfig);
    if (context !== undefined) kc.setCurrentContext(context);
    const output = new PassThrough();
    const errors = new PassThrough();
    const input = new PassThrough();
    let out = '';
    let err = '';
    output.on('data', (d: Buffer) => (out += d.toString()));
    errors.on('data', (d: Buffer) => (err += d.toString()));
    const ws = new PortForward(kc).portForward('bookinfo', pod, [port], output, errors, input);
    return { ws, input, out: () => out, err: () => err };
  }

  it('carries bytes both ways', async () => {
    const f = forward(undefined, 9080);
    const ws = await f.ws;
    f.input.write('GET /reviews/0 HTTP/1.1\r\nHost: productpage\r\nConnection: close\r\n\r\n');
    await waitFor(() => f.out().includes('answered GET /reviews/0'), { message: `no answer: ${f.out()}` });
    expect(f.out()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(f.err()).toBe('');
    close(ws);
  });

  it('carries a large response intact', async () => {
    const f = forward(undefined, 9080);
    const ws = await f.ws;
    f.input.write('GET /big HTTP/1.1\r\nHost: productpage\r\nConnection: close\r\n\r\n');
    await waitFor(() => f.out().length >= BIG.length, {
      timeoutMs: 20_000,
      message: `got ${f.out().length} bytes`,
    });
    expect(f.out().endsWith(BIG)).toBe(true);
    close(ws);
  });

  it('reports an unmapped port on the error channel', async () => {
    const f = forward(undefined, 9999);
    const ws = await f.ws;
    await waitFor(() => f.err().includes('error forwarding port 9999'), { message: `no error: ${f.err()}` });
    expect(f.out()).toBe('');
    close(ws);
  });

  it('is refused to the viewer with 403', async () => {
    await expect(forward(VIEWER_CONTEXT, 9080).ws).rejects.toThrow(/403/);
  });
});
