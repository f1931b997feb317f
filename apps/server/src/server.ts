import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { createApp } from './app';
import { KubeCache } from './kube/cache';
import type { AuthStrategy, OidcSettings } from './auth/config';
import type { Credentials } from './auth/credentials';
import { sessionSecret } from './auth/sessionSecret';
import { defaultStateDir } from './history/changeHistory';
import { credentialsKey, kubeConfigFor, kubeUserName, loadKubeConfig } from './kube/config';
import { KubeReviews } from './kube/reviews';
import { IstioWriter } from './kube/writer';
import { PromClient } from './prom/client';
import { PrometheusSource } from './prom/prometheusSource';
import { SharedTelemetrySource } from './prom/sharedTelemetry';
import type { TelemetrySource } from './prom/source';
import { createLogger } from './logger';
import { exposureProblem } from './security/exposure';
import { allowedHostEntries } from './security/surface';
import type { SurfaceOptions } from './security/surface';
import { hostRules } from './security/hostCheck';

export interface ServeOptions {
  kubeconfig?: string;
  context?: string;
  prometheusUrl?: string;
  /** Extra Prometheus credentials (Thanos/Mimir behind auth). */
  prometheusBearerToken?: string;
  prometheusHeaders?: Record<string, string>;
  /** Used instead of `prometheusUrl` (the demo's simulator counters). */
  telemetry?: TelemetrySource;
  host?: string;
  /** 0: any free port. */
  port?: number;
  /** `--auth`; default anonymous. */
  auth?: AuthStrategy;
  /** Seals session cookies (`--session-secret`); default: kept in the state folder. */
  sessionSecret?: string;
  sessionMaxAgeSeconds?: number;
  /** Failed sign-in attempts per client address and minute. */
  loginAttemptsPerMinute?: number;
  /** `--auth openid`. */
  oidc?: OidcSettings;
  /** `--auth header`: `--auth-header-user`, `--auth-header-groups`. */
  authHeaderUser?: string;
  authHeaderGroups?: string;
  readOnly?: boolean;
  logger?: Logger;
  /** Default: apps/web/dist of this checkout. */
  webDist?: string;
  graphTimeoutMs?: number;
  /** Change history folder (`--state-dir`); default `~/.sextant`. */
  stateDir?: string;
  /** Longest wait for the first sync of the informers before listening anyway. */
  syncTimeoutMs?: number;
  /** Send every PromQL query, sharing none (`--no-query-coalescing`; the bench compares both). */
  noQueryCoalescing?: boolean;
  /** How long watches may fail before `/readyz` answers 503 (default 30 s). */
  notReadyAfterMs?: number;
  /** Circuit breaker: how often an open circuit probes Prometheus (default 2 s). */
  prometheusProbeIntervalMs?: number;
  /** `--public-url`: where people open Sextant behind a proxy; its host and origin are accepted. */
  publicUrl?: string;
  /** `--allowed-hosts`: more `Host` names (`name` or `name:port`) than loopback and `--host`. */
  allowedHosts?: string[];
  /** `--allow-anonymous-writes`: listen beyond loopback with anonymous writes anyway. */
  allowAnonymousWrites?: boolean;
  /** Changes per client per minute before 429. */
  writesPerMinute?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  cache: KubeCache;
  telemetry?: TelemetrySource;
  prom?: PromClient;
  http: Server;
  close(): Promise<void>;
}

export const defaultWebDist = (): string => fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Builds the clients, fills the cache, and listens. The caller owns `close()`. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const logger = options.logger ?? createLogger();
  const host = options.host ?? '127.0.0.1';
  const problem = exposureProblem({
    host,
    auth: options.auth ?? 'anonymous',
    readOnly: options.readOnly ?? false,
    allowAnonymousWrites: options.allowAnonymousWrites ?? false,
  });
  if (problem) throw new Error(problem);
  const surface: SurfaceOptions = {
    listenHost: host,
    publicUrl: options.publicUrl,
    allowedHosts: options.allowedHosts,
    writesPerMinute: options.writesPerMinute,
  };
  // A malformed --allowed-hosts or --public-url fails now, before the informers start.
  hostRules(allowedHostEntries(surface));
  const kc = loadKubeConfig({ kubeconfig: options.kubeconfig, context: options.context });
  const cache = new KubeCache(kc, logger);
  const serverWriter = new IstioWriter(kc);

  let prom: PromClient | undefined;
  let telemetry = options.telemetry;
  if (!telemetry && options.prometheusUrl) {
    prom = new PromClient({
      url: options.prometheusUrl,
      bearerToken: options.prometheusBearerToken,
      headers: options.prometheusHeaders,
      timeoutMs: options.graphTimeoutMs,
      coalesce: !options.noQueryCoalescing,
      probeIntervalMs: options.prometheusProbeIntervalMs,
      onBreakerChange: (state, reason) =>
        (state === 'closed' ? logger.info.bind(logger) : logger.warn.bind(logger))(
          { state, reason },
          `Prometheus circuit ${state}`,
        ),
    });
    const source = new PrometheusSource(prom);
    const bucketMs = prom.status().shareBucketMs;
    const client = prom;
    telemetry =
      bucketMs > 0
        ? new SharedTelemetrySource(source, bucketMs, (how, n) => client.noteSharedAbove(how, n))
        : source;
  }
  if (!telemetry) logger.warn('no --prometheus-url: graphs will show configuration only');

  const syncTimeoutMs = options.syncTimeoutMs ?? 30_000;
  let syncTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    cache.ready,
    new Promise<void>((resolve) => {
      syncTimer = setTimeout(() => {
        logger.warn(
          { informers: cache.status().filter((s) => !s.synced) },
          'cache not synced yet; serving anyway',
        );
        resolve();
      }, syncTimeoutMs);
    }),
  ]);
  clearTimeout(syncTimer);

  // PERFORMANCE: one writer (one TLS agent) per identity, not one per request.
  const writers = new Map<string, IstioWriter>();
  const writerFor = (credentials: Credentials): IstioWriter => {
    if (credentials.kind === 'server') return serverWriter;
    const key = credentialsKey(credentials);
    let writer = writers.get(key);
    if (!writer) {
      if (writers.size >= 500) writers.clear();
      writer = new IstioWriter(kubeConfigFor(kc, credentials));
      writers.set(key, writer);
    }
    return writer;
  };
  const strategy = options.auth ?? 'anonymous';
  const app = createApp({
    cache,
    writerFor,
    reviews: new KubeReviews(kc),
    telemetry,
    logger,
    readOnly: options.readOnly,
    auth: {
      strategy,
      user: kubeUserName(kc),
      sessionSecret: await sessionSecret({
        secret: options.sessionSecret,
        stateDir:
          strategy === 'token' || strategy === 'openid' ? (options.stateDir ?? defaultStateDir()) : undefined,
      }),
      sessionMaxAgeSeconds: options.sessionMaxAgeSeconds,
      loginAttemptsPerMinute: options.loginAttemptsPerMinute,
      publicUrl: options.publicUrl,
      oidc: options.oidc,
      header: options.authHeaderUser
        ? { user: options.authHeaderUser, groups: options.authHeaderGroups }
        : undefined,
    },
    graphTimeoutMs: options.graphTimeoutMs,
    webDist: options.webDist ?? defaultWebDist(),
    promQueries: () => prom?.queriesIssued ?? 0,
    prom,
    notReadyAfterMs: options.notReadyAfterMs,
    stateDir: options.stateDir,
    surface,
  });
  const http = createServer(app);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 20001, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    cache,
    telemetry,
    prom,
    http,
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        // SSE streams never end by themselves.
        http.closeAllConnections();
        await closed;
        telemetry?.stop?.();
        prom?.stop();
        await cache.stop();
      })()),
  };
}
