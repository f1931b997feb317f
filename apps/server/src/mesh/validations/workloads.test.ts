import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../types';
import { bookinfoObjects, configOf } from './testInventory';
import { namespaceCalls, validateNamespaceCalls, validateWorkload } from './workloads';

const deployment = (name: string, namespace: string, labels: Record<string, string>): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels } } },
});
const pod = (
  name: string,
  namespace: string,
  labels: Record<string, string>,
  sidecar: boolean,
): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace,
    labels,
    ...(sidecar ? { annotations: { 'sidecar.istio.io/status': '{}' } } : {}),
  },
  spec: { containers: [{ name: 'app' }] },
});
const found = (objects: K8sObject[], name: string) => {
  const config = configOf([...bookinfoObjects(), ...objects]);
  const w = config.workloads.find((x) => x.name === name);
  if (!w) throw new Error(`no workload ${name}`);
  return validateWorkload(w, config).map((v) => `${v.code} ${v.severity} ${v.path}`);
};

describe('validateWorkload', () => {
  it('SX5001: pods without sidecar in an injected namespace, with the restart command', () => {
    const labels = { app: 'web', version: 'v1' };
    const objects = [deployment('web', 'bookinfo', labels), pod('web-abc', 'bookinfo', labels, false)];
    expect(found(objects, 'web')).toEqual(['SX5001 warning metadata.name']);
    const config = configOf([...bookinfoObjects(), ...objects]);
    const w = config.workloads.find((x) => x.name === 'web');
    expect(w && validateWorkload(w, config)[0]?.message).toContain(
      'kubectl rollout restart deployment/web -n bookinfo',
    );
    expect(
      found([deployment('web', 'bookinfo', labels), pod('web-abc', 'bookinfo', labels, true)], 'web'),
    ).toEqual([]);
    expect(found([deployment('web', 'curl', labels), pod('web-abc', 'curl', labels, false)], 'web')).toEqual(
      [],
    );
    const optOut = { ...labels, 'sidecar.istio.io/inject': 'false' };
    expect(
      found([deployment('web', 'bookinfo', optOut), pod('web-abc', 'bookinfo', optOut, false)], 'web'),
    ).toEqual([]);
  });
  it('SX5002 / SX5003: meshed pods without app or version labels', () => {
    expect(found([deployment('bare', 'bookinfo', { run: 'bare' })], 'bare')).toEqual([
      'SX5002 warning spec.template.metadata.labels',
      'SX5003 info spec.template.metadata.labels',
    ]);
    expect(found([pod('lonely', 'bookinfo', { app: 'lonely' }, true)], 'lonely')).toEqual([
      'SX5003 info metadata.labels',
    ]);
  });
});

describe('validateNamespaceCalls', () => {
  it('SX5004: mesh workloads calling into a namespace without injection', () => {
    const config = configOf(bookinfoObjects());
    const call = (
      sourceNamespace: string,
      sourceInMesh: boolean,
      destinationNamespace: string,
      destinationService: string,
    ) => ({
      sourceNamespace,
      sourceInMesh,
      destinationNamespace,
      destinationService,
    });
    const out = validateNamespaceCalls(config, [
      call('bookinfo', true, 'curl', 'curl'),
      call('bookinfo', true, 'curl', 'api'),
      call('curl', false, 'curl', 'curl'),
      call('curl', false, 'bookinfo', 'productpage'),
      call('istio-system', true, 'bookinfo', 'productpage'),
    ]);
    expect(out.map((f) => `${f.namespace} ${f.validation.code} ${f.validation.path}`)).toEqual([
      'curl SX5004 metadata.labels',
    ]);
    expect(out[0]?.validation.message).toContain('Mesh workloads call api, curl in namespace curl');
  });
  it('reads the calls from telemetry, a caller in the mesh when its workload has a proxy', () => {
    const config = configOf([
      ...bookinfoObjects(),
      deployment('api', 'curl', { app: 'api' }),
      pod('api-1', 'curl', { app: 'api' }, false),
    ]);
    const sample = (
      workload: string,
      namespace: string,
      service: string,
      serviceNamespace: string,
      rps = 1,
    ) => ({
      reporter: 'source' as const,
      source: { workload, namespace },
      destination: { service, serviceNamespace, workload: 'x', workloadNamespace: serviceNamespace },
      protocol: 'http' as const,
      responseCode: '200',
      responseFlags: '-',
      securityPolicy: 'unknown',
      rps,
    });
    const calls = namespaceCalls(config, {
      requests: [
        sample('productpage-v1', 'bookinfo', 'api', 'curl'),
        sample('curl', 'curl', 'productpage', 'bookinfo'),
        sample('reviews-v1', 'bookinfo', 'api', 'curl', 0),
      ],
      latencies: [],
      tcp: [],
    });
    expect(calls).toEqual([
      {
        sourceNamespace: 'bookinfo',
        sourceInMesh: true,
        destinationNamespace: 'curl',
        destinationService: 'api',
      },
      {
        sourceNamespace: 'curl',
        sourceInMesh: false,
        destinationNamespace: 'bookinfo',
        destinationService: 'productpage',
      },
    ]);
    expect(validateNamespaceCalls(config, calls).map((f) => f.validation.code)).toEqual(['SX5004']);
  });
});
