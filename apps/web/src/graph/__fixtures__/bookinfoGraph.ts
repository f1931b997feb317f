import type { GraphEdge, GraphNode, GraphResponse } from '@sextant/shared';

/** A hand-built versioned-app graph of bookinfo, for unit tests only. */
const rt = (p50: number | null, p95: number | null, p99: number | null) => ({ p50, p95, p99 });

function node(partial: Partial<GraphNode> & Pick<GraphNode, 'id' | 'nodeType'>): GraphNode {
  return { namespace: 'bookinfo', hasSidecar: true, health: 'healthy', badges: [], ...partial };
}

function edge(partial: Partial<GraphEdge> & Pick<GraphEdge, 'id' | 'source' | 'target'>): GraphEdge {
  return {
    protocol: 'http',
    rps: 1,
    errorRate: 0,
    percentOfSource: 100,
    mtlsPercent: 100,
    responseTimeMs: rt(10, 20, 30),
    ...partial,
  };
}

export const bookinfoGraph: GraphResponse = {
  timestamp: 1_763_776_800,
  duration: 60,
  graphType: 'versionedApp',
  warnings: [],
  telemetrySource: 'prometheus',
  nodes: [
    node({ id: 'unknown', nodeType: 'unknown', namespace: 'unknown', hasSidecar: false, health: 'na' }),
    node({ id: 'curl', nodeType: 'app', namespace: 'curl', app: 'curl', hasSidecar: false, badges: ['MS'] }),
    node({ id: 'svc:productpage', nodeType: 'service', service: 'productpage', app: 'productpage' }),
    node({
      id: 'productpage-v1',
      nodeType: 'app',
      app: 'productpage',
      version: 'v1',
      traffic: { rpsIn: 10, rpsOut: 20, errorRateIn: 0, byCode: { '200': 10 }, byFlag: { '-': 10 } },
    }),
    node({ id: 'box:reviews', nodeType: 'app', app: 'reviews', isBox: true }),
    node({
      id: 'svc:reviews',
      nodeType: 'service',
      service: 'reviews',
      app: 'reviews',
      badges: ['VS', 'TS'],
    }),
    node({
      id: 'reviews-v1',
      nodeType: 'app',
      app: 'reviews',
      version: 'v1',
      parent: 'box:reviews',
      traffic: { rpsIn: 7, rpsOut: 0, errorRateIn: 0, byCode: { '200': 7 }, byFlag: {} },
    }),
    node({
      id: 'reviews-v2',
      nodeType: 'app',
      app: 'reviews',
      version: 'v2',
      parent: 'box:reviews',
      health: 'degraded',
      traffic: {
        rpsIn: 3,
        rpsOut: 3,
        errorRateIn: 0.02,
        byCode: { '200': 2.94, '503': 0.06 },
        byFlag: { UF: 0.06 },
      },
    }),
    node({
      id: 'reviews-v3',
      nodeType: 'app',
      app: 'reviews',
      version: 'v3',
      parent: 'box:reviews',
      isIdle: true,
    }),
    node({ id: 'svc:ratings', nodeType: 'service', service: 'ratings', app: 'ratings' }),
    node({ id: 'ratings-v1', nodeType: 'app', app: 'ratings', version: 'v1', health: 'failure' }),
    node({ id: 'svc:mysql', nodeType: 'service', service: 'mysqldb', app: 'mysqldb' }),
  ],
  edges: [
    edge({ id: 'e1', source: 'unknown', target: 'svc:productpage', rps: 10, mtlsPercent: 0 }),
    edge({ id: 'e2', source: 'svc:productpage', target: 'productpage-v1', rps: 10 }),
    edge({
      id: 'e3',
      source: 'productpage-v1',
      target: 'svc:reviews',
      rps: 10,
      responseTimeMs: rt(40, 120, 300),
    }),
    edge({
      id: 'e4',
      source: 'svc:reviews',
      target: 'reviews-v1',
      rps: 7,
      percentOfSource: 70,
      configuredWeight: 80,
    }),
    edge({
      id: 'e5',
      source: 'svc:reviews',
      target: 'reviews-v2',
      rps: 3,
      percentOfSource: 30,
      configuredWeight: 0,
      errorRate: 0.02,
      mtlsPercent: 60,
    }),
    edge({
      id: 'e6',
      source: 'svc:reviews',
      target: 'reviews-v3',
      rps: 0,
      percentOfSource: 0,
      configuredWeight: 20,
      isIdle: true,
    }),
    edge({ id: 'e7', source: 'reviews-v2', target: 'svc:ratings', rps: 3, errorRate: 0.25 }),
    edge({ id: 'e8', source: 'svc:ratings', target: 'ratings-v1', rps: 3, errorRate: 0.25 }),
    edge({
      id: 'e9',
      source: 'ratings-v1',
      target: 'svc:mysql',
      protocol: 'tcp',
      rps: 0.5,
      tcpBytesPerSecond: 2048,
    }),
    edge({ id: 'e10', source: 'curl', target: 'svc:productpage', rps: 0.05, mtlsPercent: 0 }),
  ],
};
