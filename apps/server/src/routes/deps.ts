import type { Logger } from 'pino';
import type { AuthConfig } from '../auth/config';
import type { Credentials } from '../auth/credentials';
import type { IdentityReviews } from '../auth/reviews';
import type { ChangeEvent, InformerStatus } from '../kube/cache';
import type { ResourceDef, ResourceKey } from '../kube/resources';
import type { WriteOptions } from '../kube/writer';
import type { K8sObject, MeshConfig } from '../mesh/types';
import type { PromClientStatus } from '../prom/client';
import type { TelemetrySource } from '../prom/source';
import type { SurfaceOptions } from '../security/surface';

/** What routes read: the informer cache (kube/cache.ts `KubeCache`). */
export interface ConfigCache {
  list(resource: ResourceKey, namespace?: string): K8sObject[];
  get(resource: ResourceKey, namespace: string | undefined, name: string): K8sObject | undefined;
  meshConfig(): MeshConfig;
  onChange(listener: (e: ChangeEvent) => void): () => void;
  status(): InformerStatus[];
  isSynced(): boolean;
}

/** What routes write through: kube/writer.ts `IstioWriter`, bound to one identity. */
export interface ConfigWriter {
  get(def: ResourceDef, namespace: string, name: string): Promise<K8sObject>;
  create(def: ResourceDef, namespace: string, body: K8sObject, options?: WriteOptions): Promise<K8sObject>;
  replace(
    def: ResourceDef,
    namespace: string,
    name: string,
    body: K8sObject,
    options?: WriteOptions,
  ): Promise<K8sObject>;
  delete(
    def: ResourceDef,
    namespace: string,
    name: string,
    options?: WriteOptions & { resourceVersion?: string },
  ): Promise<void>;
  canI(verb: string, def: ResourceDef, namespace: string): Promise<{ allowed: boolean; reason?: string }>;
}

export interface AppDeps {
  cache: ConfigCache;
  /** The writer for a request's credentials (`viewerOf(req).credentials`): writes carry the person's identity. */
  writerFor(credentials: Credentials): ConfigWriter;
  /** SelfSubjectReview and access reviews with a person's credentials (sign-in, read filtering). */
  reviews: IdentityReviews;
  /** Absent: graphs are drawn from configuration only. */
  telemetry?: TelemetrySource;
  logger: Logger;
  /** `--read-only`: every write answers 403. */
  readOnly?: boolean;
  /** `--auth` and the session settings. */
  auth: AuthConfig;
  /** Longest wait for telemetry before answering from configuration alone. */
  graphTimeoutMs?: number;
  /** Built web app to serve (static + SPA fallback) when the folder exists. */
  webDist?: string;
  /** Where the change history lives (`--state-dir`); default `~/.sextant`. */
  stateDir?: string;
  /** PromQL queries sent so far (for /api/status and the bench). */
  promQueries?: () => number;
  /** The Prometheus client's breaker and sharing state, when telemetry is Prometheus. */
  prom?: { status(): PromClientStatus };
  /** How long watches may fail before `/readyz` answers 503 (default 30 s). */
  notReadyAfterMs?: number;
  /** Allowed hosts and origins, write rate limit (`--public-url`, `--allowed-hosts`, `--host`). */
  surface?: SurfaceOptions;
}
