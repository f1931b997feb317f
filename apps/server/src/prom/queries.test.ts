import { describe, expect, it } from 'vitest';
import { latencyQuery, namespaceRegex, requestsQuery, tcpQuery } from './queries';

describe('PromQL builders', () => {
  it('select every namespace with one regex matcher, on either side', () => {
    const q = requestsQuery(['bookinfo', 'curl'], 60);
    expect(q).toContain('istio_requests_total{destination_service_namespace=~"bookinfo|curl"}[60s]');
    expect(q).toContain('istio_requests_total{source_workload_namespace=~"bookinfo|curl"}[60s]');
    expect(q.startsWith('sum by (reporter,')).toBe(true);
    expect(q).toContain('connection_security_policy');
  });
  it('keep the query size independent of how many namespaces there are, apart from the regex', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `ns-${i}`);
    expect(latencyQuery(ten, 60).match(/histogram_quantile/g)).toHaveLength(3);
    expect(tcpQuery(ten, 300).match(/\[300s\]/g)).toHaveLength(6);
  });
  it('escapes regex characters in names', () => {
    expect(namespaceRegex(['a.b'])).toBe('"a\\\\.b"');
  });
});
