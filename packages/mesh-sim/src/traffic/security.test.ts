import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/types';
import { buildSnapshot } from './mesh';
import type { MeshSnapshot, PodInfo, ServiceInfo } from './mesh';
import { effectivePeerAuthMode, hopSecurity } from './security';
import { bookinfoCluster, loadFixture } from './test-cluster';
import type { TestCluster } from './test-cluster';

function peerAuth(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): KubeObject & { ns: string } {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name, namespace },
    spec,
    ns: namespace,
  };
}

function pods(snapshot: MeshSnapshot): {
  productpage: PodInfo;
  reviews: PodInfo;
  curl: PodInfo;
  service: ServiceInfo;
} {
  const productpage = snapshot.workloads.get('bookinfo/productpage-v1')?.pods[0];
  const reviews = snapshot.workloads.get('bookinfo/reviews-v1')?.pods[0];
  const curl = snapshot.workloads.get('curl/curl')?.pods[0];
  const service = snapshot.services.get('bookinfo/productpage');
  if (!productpage || !reviews || !curl || !service) throw new Error('bookinfo fixture incomplete');
  return { productpage, reviews, curl, service };
}

function apply(cluster: TestCluster, ...objects: (KubeObject & { ns: string })[]): MeshSnapshot {
  for (const { ns, ...object } of objects) cluster.apply([object as KubeObject], ns);
  return buildSnapshot(cluster);
}

describe('hopSecurity', () => {
  it('uses auto mTLS between sidecars and plaintext from a caller without one', () => {
    const snapshot = buildSnapshot(bookinfoCluster());
    const { productpage, reviews, curl, service } = pods(snapshot);
    expect(curl.hasProxy).toBe(false);
    expect(productpage.hasProxy).toBe(true);
    expect(hopSecurity(snapshot, reviews, productpage, service, undefined, 9080)).toEqual({
      mtls: true,
      refused: false,
    });
    expect(hopSecurity(snapshot, undefined, productpage, service, undefined, 9080)).toEqual({
      mtls: false,
      refused: false,
    });
  });

  it('STRICT in the namespace refuses plaintext callers but keeps mTLS ones', () => {
    const cluster = bookinfoCluster();
    const snapshot = apply(cluster, peerAuth('bookinfo', 'default', { mtls: { mode: 'STRICT' } }));
    const { productpage, reviews, service } = pods(snapshot);
    expect(hopSecurity(snapshot, undefined, productpage, service, undefined, 9080)).toMatchObject({
      refused: true,
    });
    expect(hopSecurity(snapshot, reviews, productpage, service, undefined, 9080)).toEqual({
      mtls: true,
      refused: false,
    });
  });

  it('a DestinationRule tls.mode DISABLE turns mTLS off, and STRICT then refuses with UC', () => {
    const cluster = bookinfoCluster();
    const disable: KubeObject & { ns: string } = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'productpage' },
      spec: { host: 'productpage', trafficPolicy: { tls: { mode: 'DISABLE' } } },
      ns: 'bookinfo',
    };
    let snapshot = apply(cluster, disable);
    let { productpage, reviews, service } = pods(snapshot);
    expect(hopSecurity(snapshot, reviews, productpage, service, undefined, 9080)).toEqual({
      mtls: false,
      refused: false,
    });
    snapshot = apply(cluster, peerAuth('istio-system', 'default', { mtls: { mode: 'STRICT' } }));
    ({ productpage, reviews, service } = pods(snapshot));
    expect(hopSecurity(snapshot, reviews, productpage, service, undefined, 9080)).toEqual({
      mtls: false,
      refused: true,
      failureFlag: 'UC',
    });
  });

  it('a DestinationRule tls.mode SIMPLE fails the handshake (UF) toward STRICT and PERMISSIVE alike', () => {
    const cluster = bookinfoCluster();
    const simple: KubeObject & { ns: string } = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'productpage' },
      spec: { host: 'productpage', trafficPolicy: { tls: { mode: 'SIMPLE' } } },
      ns: 'bookinfo',
    };
    let snapshot = apply(cluster, simple);
    let { productpage, reviews, service } = pods(snapshot);
    const refused = { mtls: false, refused: true, failureFlag: 'UF' };
    expect(hopSecurity(snapshot, reviews, productpage, service, undefined, 9080)).toEqual(refused);
    snapshot = apply(cluster, peerAuth('bookinfo', 'default', { mtls: { mode: 'STRICT' } }));
    ({ productpage, reviews, service } = pods(snapshot));
    expect(hopSecurity(snapshot, reviews, productpage, service, undefined, 9080)).toEqual(refused);
  });

  it('destination-rule-all-mtls.yaml keeps ISTIO_MUTUAL', () => {
    const cluster = bookinfoCluster();
    cluster.apply(loadFixture('bookinfo/networking/destination-rule-all-mtls.yaml'), 'bookinfo');
    const snapshot = buildSnapshot(cluster);
    const { productpage, reviews, service } = pods(snapshot);
    expect(hopSecurity(snapshot, reviews, productpage, service, 'v1', 9080)).toEqual({
      mtls: true,
      refused: false,
    });
  });
});

describe('effectivePeerAuthMode', () => {
  const pod = { namespace: 'bookinfo', labels: { app: 'productpage' } };
  const mesh = peerAuth('istio-system', 'default', { mtls: { mode: 'STRICT' } });
  const namespace = peerAuth('bookinfo', 'default', { mtls: { mode: 'PERMISSIVE' } });
  const workload = peerAuth('bookinfo', 'pp', {
    selector: { matchLabels: { app: 'productpage' } },
    mtls: { mode: 'UNSET' },
    portLevelMtls: { '9080': { mode: 'DISABLE' } },
  });

  it('defaults to PERMISSIVE and lets workload > namespace > mesh', () => {
    expect(effectivePeerAuthMode([], pod, 9080)).toBe('PERMISSIVE');
    expect(effectivePeerAuthMode([mesh], pod, 9080)).toBe('STRICT');
    expect(effectivePeerAuthMode([mesh, namespace], pod, 9080)).toBe('PERMISSIVE');
  });

  it('applies port-level modes and lets UNSET inherit', () => {
    expect(effectivePeerAuthMode([mesh, workload], pod, 9080)).toBe('DISABLE');
    expect(effectivePeerAuthMode([mesh, workload], pod, 9090)).toBe('STRICT');
    expect(
      effectivePeerAuthMode([mesh, workload], { namespace: 'bookinfo', labels: { app: 'reviews' } }, 9080),
    ).toBe('STRICT');
  });
});
