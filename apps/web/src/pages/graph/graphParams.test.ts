import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GRAPH_PARAMS,
  defaultNamespaces,
  durationSeconds,
  formatGraphParams,
  parseGraphParams,
  refreshMs,
} from './graphParams';

describe('graph URL params', () => {
  it('reads defaults from an empty query and writes nothing for them', () => {
    expect(parseGraphParams('')).toEqual(DEFAULT_GRAPH_PARAMS);
    expect(formatGraphParams(DEFAULT_GRAPH_PARAMS)).toBe('');
  });

  it('round-trips every setting', () => {
    const params = {
      ...DEFAULT_GRAPH_PARAMS,
      namespaces: ['bookinfo', 'curl'],
      graphType: 'workload' as const,
      duration: '10m' as const,
      refresh: 'off' as const,
      push: false,
      layout: 'force' as const,
      edgeLabels: 'p95' as const,
      idleNodes: true,
      unknownCallers: false,
      serviceNodes: false,
      find: 'error > 1% and ns = bookinfo',
      hide: 'idle',
      view: 'table' as const,
      selected: 'svc:reviews',
    };
    const search = formatGraphParams(params);
    expect(search).toContain('namespaces=bookinfo%2Ccurl');
    expect(parseGraphParams(search)).toEqual(params);
  });

  it('falls back to defaults for values it does not know', () => {
    const params = parseGraphParams('?graphType=galaxy&duration=7m&idleNodes=maybe&namespaces=a,,a,b');
    expect(params.graphType).toBe('versionedApp');
    expect(params.duration).toBe('1m');
    expect(params.idleNodes).toBe(false);
    expect(params.namespaces).toEqual(['a', 'b']);
  });

  it('converts windows and refresh intervals', () => {
    expect(durationSeconds('1m')).toBe(60);
    expect(durationSeconds('1h')).toBe(3600);
    expect(refreshMs('off')).toBe(false);
    expect(refreshMs('30s')).toBe(30_000);
  });

  it('defaults to the application namespaces', () => {
    expect(defaultNamespaces(['bookinfo', 'curl', 'default', 'istio-system', 'kube-system'])).toEqual([
      'bookinfo',
      'curl',
    ]);
    expect(defaultNamespaces(['istio-system'])).toEqual(['istio-system']);
  });
});
