import { describe, expect, it } from 'vitest';
import { SimulatorSource } from './simulatorSource';

const peers = {
  reporter: 'destination',
  source_workload: 'productpage-v1',
  source_workload_namespace: 'bookinfo',
  source_app: 'productpage',
  source_version: 'v1',
  destination_service: 'reviews.bookinfo.svc.cluster.local',
  destination_service_name: 'reviews',
  destination_service_namespace: 'bookinfo',
  destination_workload: 'reviews-v1',
  destination_workload_namespace: 'bookinfo',
  destination_app: 'reviews',
  destination_version: 'v1',
};

describe('SimulatorSource', () => {
  it('turns counter snapshots into rates and quantiles over the window', async () => {
    let t = 0;
    let n = 0;
    const reader = {
      collect: () => [
        {
          name: 'istio_requests_total',
          labels: {
            ...peers,
            response_code: '200',
            response_flags: '-',
            request_protocol: 'http',
            connection_security_policy: 'mutual_tls',
          },
          value: 10 * n,
        },
        {
          name: 'istio_request_duration_milliseconds_bucket',
          labels: { ...peers, response_code: '200', le: '10' },
          value: 5 * n,
        },
        {
          name: 'istio_request_duration_milliseconds_bucket',
          labels: { ...peers, response_code: '200', le: '100' },
          value: 10 * n,
        },
        {
          name: 'istio_request_duration_milliseconds_bucket',
          labels: { ...peers, response_code: '200', le: '+Inf' },
          value: 10 * n,
        },
        {
          name: 'istio_tcp_sent_bytes_total',
          labels: { ...peers, connection_security_policy: 'none' },
          value: 100 * n,
        },
      ],
    };
    const source = new SimulatorSource(reader, { now: () => t, intervalMs: 60_000 });
    try {
      t = 20_000;
      n = 20; // 10 requests per second over 20 s
      const { telemetry, queries } = await source.fetch({
        namespaces: ['bookinfo'],
        windowSeconds: 60,
        timeoutMs: 1000,
      });
      expect(queries).toBe(0);
      expect(telemetry.requests).toHaveLength(1);
      expect(telemetry.requests[0]).toMatchObject({
        rps: 10,
        responseCode: '200',
        securityPolicy: 'mutual_tls',
        source: { workload: 'productpage-v1' },
        destination: { service: 'reviews', workload: 'reviews-v1' },
      });
      expect(telemetry.latencies[0]).toMatchObject({
        reporter: 'destination',
        buckets: [
          { le: 10, count: 5 },
          { le: 100, count: 10 },
          { le: Infinity, count: 10 },
        ],
      });
      // istio_tcp_sent_bytes_total counts what came back to the caller (istio/istio#32399).
      expect(telemetry.tcp[0]).toMatchObject({ bytesFromDestinationPerSecond: 100, securityPolicy: 'none' });
    } finally {
      source.stop();
    }
  });

  it('answers empty telemetry before a second of counters exists', async () => {
    const source = new SimulatorSource({ collect: () => [] }, { now: () => 0 });
    try {
      expect(
        (await source.fetch({ namespaces: ['x'], windowSeconds: 60, timeoutMs: 1000 })).telemetry.requests,
      ).toEqual([]);
    } finally {
      source.stop();
    }
  });
});
