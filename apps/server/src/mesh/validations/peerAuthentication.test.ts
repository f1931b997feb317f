import { describe, expect, it } from 'vitest';
import { effectiveMtlsMode, validatePeerAuthentication } from './peerAuthentication';
import { bookinfoConfig, istioObject } from './testInventory';

const pa = (name: string, spec: Record<string, unknown>, namespace = 'bookinfo') =>
  istioObject('PeerAuthentication', name, spec, namespace);

describe('validatePeerAuthentication', () => {
  it('SX3001: a selector matching no workload', () => {
    const o = pa('typo', { selector: { matchLabels: { app: 'reveiws' } }, mtls: { mode: 'STRICT' } });
    const found = validatePeerAuthentication(o, bookinfoConfig(o));
    expect(found.map((v) => `${v.code} ${v.severity} ${v.path}`)).toEqual([
      'SX3001 warning spec.selector.matchLabels',
    ]);
    expect(found[0]?.message).toContain('No workload in namespace bookinfo has the labels app=reveiws');
  });
  it('SX3002: two namespace-wide PeerAuthentications, on both', () => {
    const a = pa('default', { mtls: { mode: 'STRICT' } });
    const b = pa('another', { mtls: { mode: 'PERMISSIVE' } });
    const w = pa('reviews', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'DISABLE' } });
    const config = bookinfoConfig(a, b, w);
    expect(validatePeerAuthentication(a, config).map((v) => v.code)).toEqual(['SX3002']);
    expect(validatePeerAuthentication(b, config)[0]?.message).toContain('also default');
    expect(validatePeerAuthentication(w, config)).toEqual([]);
  });
  it('effective mode: workload over namespace over mesh, PERMISSIVE by default', () => {
    const labels = { app: 'reviews', version: 'v1' };
    expect(effectiveMtlsMode(bookinfoConfig(), 'bookinfo', labels)).toBe('PERMISSIVE');
    const mesh = pa('default', { mtls: { mode: 'STRICT' } }, 'istio-system');
    expect(effectiveMtlsMode(bookinfoConfig(mesh), 'bookinfo', labels)).toBe('STRICT');
    const ns = pa('default', { mtls: { mode: 'PERMISSIVE' } });
    expect(effectiveMtlsMode(bookinfoConfig(mesh, ns), 'bookinfo', labels)).toBe('PERMISSIVE');
    const wl = pa('w', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'DISABLE' } });
    expect(effectiveMtlsMode(bookinfoConfig(mesh, ns, wl), 'bookinfo', labels)).toBe('DISABLE');
  });
});
