import { describe, expect, it } from 'vitest';
import { latencyQuery, namespaceRegex, requestsQuery, tcpQuery } from './queries';

describe('PromQL builders', () => {
  it('select every namespace with one regex matcher, on either side, aggregated before the or', () => {
    const q = requestsQuery(['bookinfo', 'curl'], 60);
    expect(q).toContain(
      '(rate(istio_requests_total{destination_service_namespace=~"bookinfo|curl"}[60s]) > 0)',
    );
    expect(q).toContain('(rate(istio_requests_total{source_workload_namespace=~"bookinfo|curl"}[60s]) > 0)');
    expect(q.startsWith('(sum by (reporter,')).toBe(true);
    expect(q).toContain(') or sum by (');
    expect(q).toContain('connection_security_policy');
    expect(q).toContain('grpc_response_status');
  });
  it('fetch latency buckets of both reporters in one query, grouped by reporter', () => {
    const q = latencyQuery(['a'], 300);
    expect(q).toContain('sum by (le,reporter,source_workload,');
    expect(q).toContain(
      'istio_request_duration_milliseconds_bucket{destination_service_namespace=~"a"}[300s]',
    );
    expect(q).not.toContain('reporter="');
    expect(q).not.toContain('histogram_quantile');
  });
  it('group TCP series by their flags too', () => {
    expect(tcpQuery(['a'], 60)).toContain('response_flags,connection_security_policy');
  });
  it('keep the query shape independent of how many namespaces there are', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `ns-${i}`);
    expect(tcpQuery(ten, 300).match(/\[300s\]/g)).toHaveLength(6);
    expect(tcpQuery(ten, 300).match(/label_replace/g)).toHaveLength(3);
    expect(requestsQuery(ten, 60).length - requestsQuery(['x'], 60).length).toBe(
      2 * (namespaceRegex(ten).length - 3),
    );
  });
  it('escapes regex characters in names', () => {
    expect(namespaceRegex(['a.b'])).toBe('"a\\\\.b"');
  });
});
