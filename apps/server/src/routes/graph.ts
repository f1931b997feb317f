import { Router } from 'express';
import { GraphQuery, GraphResponse } from '@sextant/shared';
import type { GraphWarning } from '@sextant/shared';
import { HttpError } from '../httpError';
import { buildGraph } from '../mesh/graph/index';
import { hideNamespaces } from '../mesh/hideNamespaces';
import { emptyTelemetry } from '../mesh/types';
import type { Telemetry } from '../mesh/types';
import { DEFAULT_PROMETHEUS_TIMEOUT_MS } from '../prom/client';
import { staleSince } from '../kube/readiness';
import { reasonOfCode, utcClock } from '../prom/circuitBreaker';
import { telemetryWarning } from '../prom/telemetryWarning';
import { viewerOf } from '../auth/viewer';
import type { AppDeps } from './deps';
import { durationSeconds, NamespaceName } from './params';
import { namespaceCalls, validateNamespaceCalls } from '../mesh/validations';

const MAX_WINDOW_SECONDS = 24 * 3600;

/**
 * PERFORMANCE: graphs already built, by configuration snapshot and telemetry answer (both shared
 * objects, so identity says "same inputs") and the query. 100 users on one graph in the same
 * evaluation bucket cost one build; entries go when either object is collected.
 */
const built = new WeakMap<object, WeakMap<object, Map<string, string>>>();

/** The JSON text is kept, not the object: serializing it again for each user is the cost saved. */
function builtFor(config: object, telemetry: object): Map<string, string> {
  let byTelemetry = built.get(config);
  if (!byTelemetry) built.set(config, (byTelemetry = new WeakMap()));
  let byQuery = byTelemetry.get(telemetry);
  if (!byQuery) byTelemetry.set(telemetry, (byQuery = new Map()));
  return byQuery;
}

/** The client's errors are long ("request to https://… failed, reason: connect ECONNREFUSED …"); a few words. */
const shortReason = (error: string): string => {
  const code = /\b(E[A-Z]{4,})\b/.exec(error)?.[1];
  return code ? reasonOfCode(code) : (error.split('\n')[0] ?? error).slice(0, 120);
};

/** The namespace exists in the cluster (whoever may see it). */
const existsFor = (deps: AppDeps, ns: string): boolean =>
  deps.cache.get('namespaces', undefined, ns) !== undefined;

/** `GET /api/graph`: configuration from the cache + telemetry → graph; telemetry failure → config-only graph with a warning. */
export function graphRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/graph', async (req, res) => {
    const query = GraphQuery.parse(req.query);
    for (const ns of query.namespaces) NamespaceName.parse(ns);
    const windowSeconds = durationSeconds(query.duration);
    if (windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS) {
      throw new HttpError(400, 'bad_request', 'duration: between 1s and 24h, e.g. 60s or 10m');
    }
    const { cache } = viewerOf(req);
    const config = cache.meshConfig();
    const known = new Set(config.namespaces.map((n) => n.name));
    const forbidden = query.namespaces.filter((n) => !known.has(n) && existsFor(deps, n));
    if (forbidden.length > 0) {
      throw new HttpError(
        403,
        'forbidden',
        `Your Kubernetes user may not see namespace ${forbidden.join(', ')}: it may list none of its workloads, services or Istio objects. Ask for a RoleBinding there, or pick another namespace.`,
      );
    }
    const missing = query.namespaces.filter((n) => !known.has(n));
    if (missing.length > 0) {
      throw new HttpError(
        404,
        'not_found',
        `No namespace ${missing.join(', ')} in the cluster (or not visible to Sextant).`,
      );
    }

    const stale = staleSince(deps.cache.status());
    const started = performance.now();
    let telemetryMs = 0;
    const warnings: GraphWarning[] = [];
    let telemetry: Telemetry = emptyTelemetry();
    let configOnly = false;
    let queries = 0;
    if (!deps.telemetry) {
      configOnly = true;
      warnings.push({
        code: 'no_telemetry',
        message: 'No telemetry source is configured: the graph shows configuration only.',
      });
    } else {
      const timeoutMs = deps.graphTimeoutMs ?? DEFAULT_PROMETHEUS_TIMEOUT_MS;
      const aborter = new AbortController();
      // The caller went away before we answered: stop the queries. (req's 'close' fires when its
      // body is read, not when the connection drops.)
      res.on('close', () => {
        if (!res.writableFinished) aborter.abort();
      });
      try {
        const result = await deps.telemetry.fetch({
          namespaces: query.namespaces,
          windowSeconds,
          timeoutMs,
          signal: aborter.signal,
        });
        telemetry = result.telemetry;
        queries = result.queries;
        telemetryMs = performance.now() - started;
      } catch (err) {
        // The caller left: nobody to answer, and not Prometheus's fault.
        if (aborter.signal.aborted) return;
        configOnly = true;
        const prom = deps.prom?.status();
        const warning = telemetryWarning(err, prom?.breaker, prom?.url);
        // An open circuit is one known outage, already logged when it opened.
        if (warning.code !== 'telemetry_circuit_open') {
          req.log.warn(
            { err: err instanceof Error ? err.message : String(err) },
            'telemetry failed; answering from configuration',
          );
        }
        warnings.push(warning);
      }
    }

    // Only a graph from real telemetry and a current cache is shared; warnings with times are not.
    const memo = !configOnly && !stale ? builtFor(config, telemetry) : undefined;
    const memoKey = JSON.stringify([query, windowSeconds]);
    const answer = (text: string) => {
      res.setHeader('x-sextant-prom-queries', String(queries));
      // Where the time went, for the bench and the browser's network panel.
      res.setHeader(
        'server-timing',
        `telemetry;dur=${telemetryMs.toFixed(1)}, graph;dur=${(performance.now() - started - telemetryMs).toFixed(1)}`,
      );
      res.type('json').send(text);
    };
    const memoized = memo?.get(memoKey);
    if (memoized) return answer(memoized);
    if (stale) {
      const seconds = Math.round((Date.now() - stale.since) / 1000);
      warnings.push({
        code: 'config_stale',
        message: `The Kubernetes API server is not answering since ${utcClock(stale.since)} UTC${stale.error ? ` (${shortReason(stale.error)})` : ''}: the configuration drawn is from then (${seconds} s old). Sextant reconnects by itself.`,
      });
    }
    for (const { validation } of validateNamespaceCalls(config, namespaceCalls(config, telemetry))) {
      warnings.push({ code: validation.code, message: validation.message });
    }
    const graph = buildGraph(telemetry, config, {
      graphType: query.graphType,
      namespaces: query.namespaces,
      injectServiceNodes: query.injectServiceNodes,
      // Without traffic, configuration is all there is to draw.
      idleNodes: query.idleNodes || configOnly,
    });
    const { nodes, edges } = hideNamespaces(graph, (ns) => existsFor(deps, ns) && !known.has(ns));
    const body: GraphResponse = {
      timestamp: Math.floor(Date.now() / 1000),
      duration: windowSeconds,
      graphType: query.graphType,
      nodes,
      edges,
      warnings,
      telemetrySource: configOnly ? 'none' : (deps.telemetry?.kind ?? 'none'),
    };
    const text = JSON.stringify(GraphResponse.parse(body));
    memo?.set(memoKey, text);
    answer(text);
  });
  return router;
}
