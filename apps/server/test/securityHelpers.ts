import { request } from 'node:http';
import { ISTIO_RESOURCES } from '../src/kube/resources';
import type { MeshSim } from '@sextant/mesh-sim';

/**
 * One HTTP request with exactly these headers, `Host` included (fetch always sends the real
 * one), as a browser tricked by DNS rebinding or another site's form would send it.
 */
export function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; body: unknown; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, timeout: 20_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? (JSON.parse(text) as unknown) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body, text });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** `namespace/kind/name → resourceVersion` of every Istio object in the simulated cluster. */
export function istioVersions(sim: MeshSim): Map<string, string> {
  const out = new Map<string, string>();
  for (const def of ISTIO_RESOURCES) {
    for (const o of sim.store.list(`${def.plural}.${def.group}`)) {
      out.set(
        `${o.metadata.namespace ?? ''}/${def.kind}/${o.metadata.name}`,
        o.metadata.resourceVersion ?? '',
      );
    }
  }
  return out;
}

/** Counts committed writes to Istio objects (the store never reports dry runs). */
export function countIstioWrites(sim: MeshSim): { count(): number; stop(): void } {
  const groups = new Set(ISTIO_RESOURCES.map((d) => `${d.plural}.${d.group}`));
  let n = 0;
  const stop = sim.store.subscribe((e) => {
    if (groups.has(e.resource)) {
      n++;
      if (process.env.FUZZ_DEBUG)
        process.stderr.write(
          `WRITE ${e.type} ${e.resource} ${e.object.metadata.namespace}/${e.object.metadata.name} rv=${e.object.metadata.resourceVersion}\n`,
        );
    }
  });
  return { count: () => n, stop };
}
