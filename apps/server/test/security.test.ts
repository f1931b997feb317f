import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CONTEXT, startMeshSim } from '@sextant/mesh-sim';
import type { MeshSim } from '@sextant/mesh-sim';
import { ApiErrorBody, HistoryList, IstioObjectWithValidations, TrafficShiftResponse } from '@sextant/shared';
import { createLogger } from '../src/logger';
import { startServer } from '../src/server';
import type { RunningServer } from '../src/server';
import { getJson, silentLogger } from './helpers';
import { countIstioWrites, istioVersions, rawRequest } from './securityHelpers';

// The attacks of issue #12 against a real server on mesh-sim: each one is refused and the
// cluster's Istio objects keep their resourceVersions.
let sim: MeshSim;
let stateDir: string;
let admin: RunningServer;
let writes: ReturnType<typeof countIstioWrites>;

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: false });
  stateDir = await mkdtemp(join(tmpdir(), 'sextant-security-'));
  admin = await startServer({
    kubeconfig: sim.kubeconfig,
    context: ADMIN_CONTEXT,
    port: 0,
    logger: silentLogger(),
    webDist: '/nonexistent',
    stateDir,
  });
  writes = countIstioWrites(sim);
});

afterAll(async () => {
  writes?.stop();
  await admin?.close();
  await sim?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

const SHIFT = '/api/namespaces/bookinfo/services/reviews/traffic-shift';
const shiftBody = JSON.stringify({ weights: { v1: 10, v3: 90 } });
const errorOf = (body: unknown) => ApiErrorBody.parse(body).error;

/** Runs `attack`, then checks that no Istio object was written and every resourceVersion is as before. */
async function refusedWithoutWrites(attack: () => Promise<void>): Promise<void> {
  const before = istioVersions(sim);
  const writesBefore = writes.count();
  await attack();
  expect(writes.count() - writesBefore).toBe(0);
  expect(istioVersions(sim)).toEqual(before);
}

describe('DNS rebinding', () => {
  it("refuses the issue's curl (Host evil.example) with 421 and writes nothing", async () => {
    await refusedWithoutWrites(async () => {
      const res = await rawRequest(`${admin.url}${SHIFT}`, {
        method: 'POST',
        headers: {
          host: `evil.example:${admin.port}`,
          origin: `http://evil.example:${admin.port}`,
          'content-type': 'application/json',
        },
        body: shiftBody,
      });
      expect(res.status).toBe(421);
      expect(errorOf(res.body)).toMatchObject({ code: 'misdirected_request' });
      expect(errorOf(res.body).message).toContain(`"evil.example:${admin.port}"`);
    });
  });

  it('refuses reads and the event stream under a foreign Host too, but not the probes', async () => {
    for (const path of ['/api/istio', '/api/events', '/api/history', '/']) {
      const res = await rawRequest(`${admin.url}${path}`, { headers: { host: 'evil.example' } });
      expect(res.status, path).toBe(421);
    }
    const probe = await rawRequest(`${admin.url}/healthz`, { headers: { host: '10.1.2.3:20001' } });
    expect(probe.status).toBe(200);
  });

  it('answers on localhost and [::1] names', async () => {
    for (const host of [`localhost:${admin.port}`, `[::1]:${admin.port}`, `127.0.0.1:${admin.port}`]) {
      const res = await rawRequest(`${admin.url}/api/namespaces`, { headers: { host } });
      expect(res.status, host).toBe(200);
    }
  });
});

describe('cross-site changes', () => {
  const own = () => ({ host: `127.0.0.1:${admin.port}`, origin: `http://127.0.0.1:${admin.port}` });

  it('refuses JSON from another origin, form and text/plain posts with 403', async () => {
    const attacks: { name: string; headers: Record<string, string>; body: string }[] = [
      {
        name: 'cross-origin JSON',
        headers: { ...own(), origin: 'http://evil.example', 'content-type': 'application/json' },
        body: shiftBody,
      },
      {
        name: 'Sec-Fetch-Site cross-site',
        headers: { ...own(), 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
        body: shiftBody,
      },
      {
        name: 'form post',
        headers: {
          ...own(),
          origin: 'http://evil.example',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'weights%5Bv1%5D=10&weights%5Bv3%5D=90',
      },
      {
        name: 'form post without Origin',
        headers: { host: own().host, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'weights%5Bv1%5D=10',
      },
      {
        name: 'text/plain beacon',
        headers: { ...own(), origin: 'http://evil.example', 'content-type': 'text/plain' },
        body: shiftBody,
      },
      {
        name: 'text/plain without Origin',
        headers: { host: own().host, 'content-type': 'text/plain' },
        body: shiftBody,
      },
    ];
    await refusedWithoutWrites(async () => {
      for (const a of attacks) {
        const res = await rawRequest(`${admin.url}${SHIFT}`, {
          method: 'POST',
          headers: a.headers,
          body: a.body,
        });
        expect(res.status, a.name).toBe(403);
        expect(errorOf(res.body).code, a.name).toBe('cross_site_refused');
      }
    });
  });

  it('refuses a cross-site rollback, while the same rollback from Sextant itself works', async () => {
    // A real change first, so there is something to roll back.
    const applied = await getJson(`${admin.url}${SHIFT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: shiftBody,
    });
    expect(applied.status).toBe(200);
    const id = TrafficShiftResponse.parse(applied.body).historyId ?? '';
    const historyBefore = await readFile(join(stateDir, 'history.jsonl'), 'utf8');

    await refusedWithoutWrites(async () => {
      for (const headers of [
        { ...own(), origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
        { ...own(), origin: 'http://evil.example' },
        { host: own().host },
        { ...own(), 'sec-fetch-site': 'same-site', 'content-type': 'application/json' },
      ]) {
        const res = await rawRequest(`${admin.url}/api/history/${id}/rollback`, {
          method: 'POST',
          headers,
          body: '',
        });
        expect(res.status, JSON.stringify(headers)).toBe(403);
      }
    });
    expect(await readFile(join(stateDir, 'history.jsonl'), 'utf8')).toBe(historyBefore);

    const res = await rawRequest(`${admin.url}/api/history/${id}/rollback`, {
      method: 'POST',
      headers: { ...own(), 'sec-fetch-site': 'same-origin', 'x-sextant-request': '1' },
    });
    expect(res.status).toBe(200);
    const { body } = await getJson(`${admin.url}/api/history?namespace=bookinfo&service=reviews`);
    expect(HistoryList.parse(body).entries.map((e) => e.action)).toEqual(['rollback', 'traffic-shift']);
  });
});

describe('bodies', () => {
  const post = (headers: Record<string, string>, body: string) =>
    rawRequest(`${admin.url}${SHIFT}?dryRun=false`, {
      method: 'POST',
      headers: { host: `127.0.0.1:${admin.port}`, ...headers },
      body,
    });

  it('answers 413 over 1 MiB, 415 for a non-JSON body, 400 for JSON nested 10,000 deep', async () => {
    await refusedWithoutWrites(async () => {
      const big = JSON.stringify({ weights: { v1: 10, v3: 90 }, pad: 'x'.repeat(1_100_000) });
      const tooBig = await post({ 'content-type': 'application/json' }, big);
      expect(tooBig.status).toBe(413);
      expect(errorOf(tooBig.body).code).toBe('payload_too_large');

      const xml = await post({ 'content-type': 'application/xml', 'x-sextant-request': '1' }, '<weights/>');
      expect(xml.status).toBe(415);
      expect(errorOf(xml.body).message).toContain('application/xml');

      const deep = `{"weights":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
      const tooDeep = await post({ 'content-type': 'application/json' }, deep);
      expect(tooDeep.status).toBe(400);
      expect(errorOf(tooDeep.body).message).toBe('The JSON body nests deeper than 64 levels.');

      const broken = await post({ 'content-type': 'application/json' }, '{"weights":');
      expect(broken.status).toBe(400);
    });
  });

  it('limits changes per minute with 429 (dry runs apart, 5× looser), leaving reads alone', async () => {
    const limited = await startServer({
      kubeconfig: sim.kubeconfig,
      context: ADMIN_CONTEXT,
      port: 0,
      logger: silentLogger(),
      webDist: '/nonexistent',
      stateDir,
      writesPerMinute: 3,
    });
    try {
      const post = async (query: string, body: unknown) => {
        const res = await getJson(`${limited.url}${SHIFT}${query}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (res.status === 429) expect(errorOf(res.body).code).toBe('rate_limited');
        return res.status;
      };
      // Refused changes count too: the limit stands before validation.
      const changes: number[] = [];
      for (let i = 0; i < 4; i++) changes.push(await post('?dryRun=false', { weights: { v1: 101 } }));
      expect(changes).toEqual([400, 400, 400, 429]);
      const previews: number[] = [];
      for (let i = 0; i < 16; i++) previews.push(await post('?dryRun=true', { weights: { v1: 10, v3: 90 } }));
      expect(previews).toEqual([...Array<number>(15).fill(200), 429]);
      expect((await getJson(`${limited.url}/api/istio?namespace=bookinfo`)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('allowed hosts and the public URL', () => {
  it('answers a Service name from --allowed-hosts and accepts changes from --public-url', async () => {
    const proxied = await startServer({
      kubeconfig: sim.kubeconfig,
      context: ADMIN_CONTEXT,
      port: 0,
      logger: silentLogger(),
      webDist: '/nonexistent',
      stateDir,
      allowedHosts: ['sextant.istio-system', 'sextant.istio-system.svc.cluster.local'],
      publicUrl: 'https://sextant.example.com',
    });
    try {
      const get = (host: string) => rawRequest(`${proxied.url}/api/namespaces`, { headers: { host } });
      expect((await get(`sextant.istio-system:${proxied.port}`)).status).toBe(200);
      expect((await get('sextant.istio-system.svc.cluster.local')).status).toBe(200);
      expect((await get('sextant.example.com')).status).toBe(200);
      expect((await get('sextant.other-namespace')).status).toBe(421);

      const viaProxy = (origin: string) =>
        rawRequest(`${proxied.url}${SHIFT}?dryRun=true`, {
          method: 'POST',
          headers: {
            host: `sextant.istio-system:${proxied.port}`,
            origin,
            'content-type': 'application/json',
          },
          body: shiftBody,
        });
      expect((await viaProxy('https://sextant.example.com')).status).toBe(200);
      expect((await viaProxy('https://evil.example')).status).toBe(403);
    } finally {
      await proxied.close();
    }
  });
});

describe('token redaction', () => {
  it('writes no bearer token to the log, for reads, writes and failures', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const tokenServer = await startServer({
      kubeconfig: sim.kubeconfig,
      context: ADMIN_CONTEXT,
      port: 0,
      logger: createLogger('debug', stream),
      webDist: '/nonexistent',
      stateDir,
      auth: 'token',
    });
    const made = 'made-up-token-7f3a9c1e5b2d4f60';
    try {
      const as = (token: string) => ({
        authorization: `Bearer ${token}`,
        cookie: `sextant-session=${token}`,
        'content-type': 'application/json',
      });
      for (const token of [sim.tokens.admin, sim.tokens.viewer, made]) {
        await getJson(`${tokenServer.url}/api/istio?namespace=bookinfo`, { headers: as(token) });
        await getJson(`${tokenServer.url}/api/auth/info`, { headers: as(token) });
        await getJson(`${tokenServer.url}${SHIFT}?dryRun=true`, {
          method: 'POST',
          headers: as(token),
          body: shiftBody,
        });
        // A failure on the way to the API server (unknown token, RBAC) is logged too.
        await getJson(`${tokenServer.url}/api/istio/bookinfo/virtualservices/reviews?dryRun=true`, {
          method: 'DELETE',
          headers: as(token),
        });
      }
    } finally {
      await tokenServer.close();
    }
    const requestLines = lines.filter((l) => l.includes('"req"'));
    expect(requestLines.length).toBeGreaterThanOrEqual(12);
    expect(requestLines.every((l) => l.includes('"authorization":"[Redacted]"'))).toBe(true);
    for (const token of [sim.tokens.admin, sim.tokens.viewer, made]) {
      expect(lines.filter((l) => l.includes(token))).toEqual([]);
    }
  });
});

describe('startup', () => {
  it('refuses a non-loopback --host with anonymous writes, and says how to go on', async () => {
    await expect(
      startServer({
        kubeconfig: sim.kubeconfig,
        context: ADMIN_CONTEXT,
        host: '0.0.0.0',
        port: 0,
        logger: silentLogger(),
      }),
    ).rejects.toThrow(
      /^Refusing to listen on 0\.0\.0\.0 with --auth anonymous.*--read-only.*--allow-anonymous-writes/,
    );

    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const out = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', cli, 'serve', '--host', '0.0.0.0', '--port', '0', '--kubeconfig', sim.kubeconfig],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('sextant: Refusing to listen on 0.0.0.0 with --auth anonymous');
  });
});

describe('strict write schemas: unknown and out-of-range fields', () => {
  const send = (path: string, body: unknown, method = 'POST') =>
    getJson(`${admin.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const svc = '/api/namespaces/bookinfo/services/reviews';

  it('names a typo instead of reading it as "no timeout" or "no traffic policy"', async () => {
    await refusedWithoutWrites(async () => {
      const route = await send(`${svc}/route-policy`, { policy: { timeOut: '5s' } });
      expect(route.status).toBe(400);
      expect(errorOf(route.body).message).toBe('policy.timeOut: unknown field; did you mean timeout?');
      const dest = await send(`${svc}/destination-policy`, { policy: { tls: 'DISABLE' } });
      expect(dest.status).toBe(400);
      expect(errorOf(dest.body).message).toBe('policy.tls: unknown field; did you mean tlsMode?');
      const proto = await send(`${svc}/traffic-shift`, '{"weights":{"v1":100},"__proto__":{"admin":true}}');
      expect(proto.status).toBe(400);
      expect(errorOf(proto.body).message).toBe('__proto__: field name not allowed.');
    });
  });

  it('bounds numbers by the Istio field type and weights to 0..100', async () => {
    await refusedWithoutWrites(async () => {
      const pool = await send(`${svc}/destination-policy`, {
        policy: { connectionPool: { maxConnections: 1e20 } },
      });
      expect(pool.status).toBe(400);
      expect(errorOf(pool.body).message).toBe(
        'connectionPool.maxConnections: a whole number from 1 to 2147483647, got 100000000000000000000.',
      );
      const shift = await send(`${svc}/traffic-shift`, { weights: { v1: -50, v3: 150 } });
      expect(shift.status).toBe(400);
      expect(errorOf(shift.body).message).toContain('weights.v1: must be between 0 and 100, got -50.');
      const rules = await send(`${svc}/request-routing`, {
        rules: [{ match: { uri: { prefix: '/x' } }, route: { weights: { v1: -50, v3: 150 } } }],
      });
      expect(rules.status).toBe(400);
      expect(errorOf(rules.body).message).toContain('rules[0].route.weights.v3');
      const timeout = await send(`${svc}/route-policy`, { policy: { timeout: '99999999999999h' } });
      expect(timeout.status).toBe(400);
    });
  });

  it('takes no body on rollback and routing removal', async () => {
    const { body } = await getJson(`${admin.url}/api/history?namespace=bookinfo&service=reviews`);
    const id = HistoryList.parse(body).entries[0]?.id ?? 'none';
    await refusedWithoutWrites(async () => {
      const rollback = await send(`/api/history/${id}/rollback`, { force: true });
      expect(rollback.status).toBe(400);
      expect(errorOf(rollback.body).message).toBe('force: unknown field');
      const remove = await send(`${svc}/routing`, { resourceVersion: '1' }, 'DELETE');
      expect(remove.status).toBe(400);
    });
  });

  it('the YAML editor refuses weights −50/150 (SX1008) unless the person confirms with force', async () => {
    const current = IstioObjectWithValidations.parse(
      (await getJson(`${admin.url}/api/istio/bookinfo/virtualservices/reviews`)).body,
    ).object;
    const broken = structuredClone(current) as unknown as {
      spec: { http: { route: { weight?: number }[] }[] };
    };
    const http = broken.spec.http.find((h) => h.route.length > 1) ?? broken.spec.http[0];
    if (!http || http.route.length < 2) throw new Error('reviews has no split route to break');
    http.route.forEach((r, i) => (r.weight = i === 0 ? -50 : i === 1 ? 150 : 0));
    const put = (query: string) => send(`/api/istio/bookinfo/virtualservices/reviews${query}`, broken, 'PUT');

    await refusedWithoutWrites(async () => {
      const refused = await put('');
      expect(refused.status).toBe(422);
      const error = errorOf(refused.body);
      expect(error.code).toBe('invalid');
      expect(error.message).toMatch(
        /^VirtualService bookinfo\/reviews has 2 error-level findings, so it was not saved\. SX1008 at spec\.http\[\d\]\.route\[0\]\.weight: Weight -50 /,
      );
      expect(error.message).toMatch(/confirm and save anyway \(\?force=true\)\.$/);
      const dry = await put('?dryRun=true');
      expect(dry.status).toBe(200);
      expect(IstioObjectWithValidations.parse(dry.body).validations.map((v) => v.code)).toEqual([
        'SX1008',
        'SX1008',
      ]);
    });

    const forced = await put('?force=true');
    expect(forced.status).toBe(200);
    const saved = IstioObjectWithValidations.parse(forced.body);
    expect(saved.object.metadata.resourceVersion).not.toBe(current.metadata.resourceVersion);
    expect(saved.validations.filter((v) => v.code === 'SX1008')).toHaveLength(2);
  });
});
