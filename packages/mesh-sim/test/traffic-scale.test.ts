import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMeshSim } from '../src';
import type { MeshSim } from '../src';
import { startPrometheus } from '../src/prometheus';
import type { RunningPrometheus } from '../src/prometheus';
import { promQuery } from './helpers/promQuery';
import type { VectorResult } from './helpers/promQuery';
import { waitFor } from './helpers/waitFor';

/** The scale scenario's annotations drive the traffic a real Prometheus sees. */

describe('scale scenario traffic', () => {
  let sim: MeshSim;
  let prometheus: RunningPrometheus;

  const query = (promql: string): Promise<VectorResult[]> => promQuery(prometheus.url, promql);

  beforeAll(async () => {
    sim = await startMeshSim({ scenario: 'scale', namespaces: 3, services: 10, seed: 5 });
    prometheus = await startPrometheus({ scrapeUrls: [sim.metricsUrl], scrapeIntervalSeconds: 1 });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await sim?.stop();
  });

  it('carries a call for every sim.sextant.io/calls entry reachable from an entry workload', async () => {
    const deployments = sim.store
      .list('deployments.apps')
      .filter((d) => d.metadata.namespace?.startsWith('scale-'));
    const calls = new Map<string, string[]>();
    for (const d of deployments) {
      const list = (d.metadata.annotations?.['sim.sextant.io/calls'] ?? '')
        .split(',')
        .filter((c) => c.length > 0);
      calls.set(`${d.metadata.namespace}/${d.metadata.name}`, list);
    }
    const entries = deployments.filter(
      (d) => Number(d.metadata.annotations?.['sim.sextant.io/rps'] ?? 0) > 0,
    );
    expect(entries.length).toBeGreaterThan(0);

    // Istio's view: a caller without a sidecar is `unknown`; a callee without one reports nothing.
    const injected = new Set(
      sim.store
        .list('pods')
        .filter((p) => JSON.stringify(p.spec?.containers ?? []).includes('"istio-proxy"'))
        .map((p) => `${p.metadata.namespace}/${p.metadata.labels?.app ?? ''}`),
    );
    const appOf = (namespace: string, deployment: string): string =>
      deployments.find((d) => d.metadata.namespace === namespace && d.metadata.name === deployment)?.metadata
        .labels?.app ?? '';

    // Istio's protocol selection on the Service port: appProtocol, then the port name's prefix.
    const protocolOf = new Map<string, string>();
    for (const svc of sim.store.list('services')) {
      const ports = (svc.spec?.ports ?? []) as { name?: string; appProtocol?: string }[];
      const selector = (ports[0]?.appProtocol ?? ports[0]?.name ?? '').split('-')[0] ?? '';
      const protocol = selector.startsWith('grpc')
        ? 'grpc'
        : ['mysql', 'redis', 'mongo', 'tcp'].includes(selector)
          ? 'tcp'
          : 'http';
      protocolOf.set(`${svc.metadata.name}.${svc.metadata.namespace}`, protocol);
    }

    // Edges expected: everything reachable from the entry workloads through the annotations.
    const expected = new Set<string>();
    const queue = entries.map((d) => `${d.metadata.namespace}/${d.metadata.name}`);
    const seen = new Set<string>();
    for (let guard = 0; queue.length > 0 && guard < 10_000; guard++) {
      const workload = queue.shift() ?? '';
      if (seen.has(workload)) continue;
      seen.add(workload);
      const [callerNamespace = '', callerName = ''] = workload.split('/');
      const caller = injected.has(`${callerNamespace}/${appOf(callerNamespace, callerName)}`)
        ? callerName
        : 'unknown';
      for (const target of calls.get(workload) ?? []) {
        const [service = '', namespace = ''] = target.split('.');
        if (injected.has(`${namespace}/${service}`))
          expected.add(`${caller} -> ${service}.${namespace} ${protocolOf.get(target) ?? '?'}`);
        for (const d of deployments) {
          if (d.metadata.namespace === namespace && d.metadata.labels?.app === service) {
            queue.push(`${namespace}/${d.metadata.name}`);
          }
        }
      }
    }
    expect(expected.size).toBeGreaterThan(5);
    // Every protocol is in the test world.
    for (const protocol of ['http', 'grpc', 'tcp'])
      expect([...expected].filter((e) => e.endsWith(` ${protocol}`)).length, protocol).toBeGreaterThan(0);

    const by = 'source_workload, destination_service_name, destination_service_namespace, request_protocol';
    const scale = 'reporter="destination",destination_service_namespace=~"scale-.*"';
    const observed = await waitFor(
      async () => {
        const rows = [
          ...(await query(`sum by (${by}) (istio_requests_total{${scale}})`)),
          ...(await query(`sum by (${by}) (istio_tcp_connections_opened_total{${scale}})`)),
        ];
        const edges = new Set(
          rows.map(
            (r) =>
              `${r.metric.source_workload} -> ${r.metric.destination_service_name}.${r.metric.destination_service_namespace} ${r.metric.request_protocol}`,
          ),
        );
        return [...expected].every((e) => edges.has(e)) ? edges : undefined;
      },
      { intervalMs: 500, timeoutMs: 40_000 },
    );
    // Nothing beyond the annotations.
    for (const edge of observed) expect(expected.has(edge), edge).toBe(true);

    // gRPC carries its status; TCP carries bytes both ways from both proxies.
    const grpc = await query(
      `sum by (grpc_response_status) (istio_requests_total{${scale},request_protocol="grpc"})`,
    );
    expect(grpc.map((r) => r.metric.grpc_response_status)).toContain('0');
    for (const reporter of ['source', 'destination']) {
      for (const metric of ['istio_tcp_sent_bytes_total', 'istio_tcp_received_bytes_total']) {
        const rows = await query(
          `sum(${metric}{reporter="${reporter}",destination_service_namespace=~"scale-.*",request_protocol="tcp"})`,
        );
        expect(Number(rows[0]?.value[1] ?? 0), `${metric} ${reporter}`).toBeGreaterThan(0);
      }
    }
    expect(sim.traffic.seriesCount()).toBeGreaterThan(expected.size);
  });
});
