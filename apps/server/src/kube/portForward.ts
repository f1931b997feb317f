/**
 * A local port that forwards to a pod, the way `kubectl port-forward` and `istioctl dashboard`
 * do, built on client-node's `PortForward` (one WebSocket per local TCP connection).
 *
 * Unlike `kubectl port-forward pod/x`, the pod is looked up by label selector for every new
 * connection, so the forward keeps working when the pod is replaced (a rollout, an eviction).
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { Writable } from 'node:stream';
import { AuthorizationV1Api, CoreV1Api, KubeConfig, PortForward } from '@kubernetes/client-node';
import type { V1Pod } from '@kubernetes/client-node';

export { KubeConfig };

export type PortForwardErrorCode = 'not_found' | 'forbidden' | 'port_in_use' | 'unreachable';

/** A failure a person can act on; `message` says what was looked for and what to do. */
export class PortForwardError extends Error {
  constructor(
    readonly code: PortForwardErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PortForwardError';
  }
}

/** The pods to forward to: those matching `labels` in `namespace`, on `port` (number or name). */
export interface PodSelector {
  namespace: string;
  labels: Record<string, string>;
  /** A container port number, or a container port name (a Service's named targetPort). */
  port: number | string;
}

/** `a=b,c=d`, the Kubernetes label selector syntax. */
export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The shape of a pod `pickPod` looks at (a subset of V1Pod, so tests can write it by hand). */
export interface PodLike {
  metadata?: { name?: string; deletionTimestamp?: unknown; creationTimestamp?: unknown };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
  spec?: { containers: { ports?: { name?: string; containerPort: number }[] }[] };
}

const isReady = (pod: PodLike): boolean =>
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

const created = (pod: PodLike): number => {
  const t = pod.metadata?.creationTimestamp;
  if (t instanceof Date) return t.getTime();
  return typeof t === 'string' ? Date.parse(t) : 0;
};

/**
 * The pod to forward to: Running and not being deleted, Ready ones first, then the newest
 * (a replacement pod is the one that will stay). `exclude` names pods that just failed.
 */
export function pickPod<P extends PodLike>(
  pods: P[],
  exclude: ReadonlySet<string> = new Set(),
): P | undefined {
  const candidates = pods.filter(
    (p) =>
      p.status?.phase === 'Running' &&
      p.metadata?.deletionTimestamp === undefined &&
      p.metadata?.name !== undefined &&
      !exclude.has(p.metadata.name),
  );
  candidates.sort((a, b) => Number(isReady(b)) - Number(isReady(a)) || created(b) - created(a));
  return candidates[0];
}

/** The container port number a numeric or named port means in this pod. */
export function containerPort(pod: PodLike, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  for (const c of pod.spec?.containers ?? []) {
    const hit = (c.ports ?? []).find((p) => p.name === port);
    if (hit) return hit.containerPort;
  }
  return undefined;
}

const statusCodeOf = (err: unknown): number | undefined => {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'number')
    return err.code;
  return undefined;
};

const messageOf = (err: unknown): string => {
  if (err instanceof Error) return err.message;
  // The `ws` ErrorEvent client-node rejects with when the upgrade is refused.
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string')
    return err.message;
  return String(err);
};

const userOf = (kc: KubeConfig): string => kc.getCurrentUser()?.name ?? 'the current user';

function rbacRefusal(kc: KubeConfig, namespace: string, detail: string): PortForwardError {
  return new PortForwardError(
    'forbidden',
    `Port-forward refused by RBAC: ${userOf(kc)} (context ${kc.getCurrentContext()}) may not create ` +
      `pods/portforward in namespace "${namespace}" (${detail}). Use a context whose role grants ` +
      `"create" on "pods/portforward" there.`,
  );
}

/** A running pod matching the selector, and the port number to forward to on it. */
export async function resolvePod(
  kc: KubeConfig,
  target: PodSelector,
  exclude: ReadonlySet<string> = new Set(),
): Promise<{ name: string; port: number }> {
  const selector = labelSelector(target.labels);
  let pods: V1Pod[];
  try {
    const list = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: target.namespace, labelSelector: selector });
    pods = list.items;
  } catch (err) {
    if (statusCodeOf(err) === 403)
      throw new PortForwardError(
        'forbidden',
        `RBAC does not let ${userOf(kc)} list pods in namespace "${target.namespace}".`,
      );
    throw new PortForwardError('unreachable', `Cannot list pods in "${target.namespace}": ${messageOf(err)}`);
  }
  const pod = pickPod(pods, exclude);
  if (!pod?.metadata?.name) {
    const seen = pods.length === 0 ? 'none match' : `${pods.length} match but none is running`;
    throw new PortForwardError(
      'not_found',
      `No running pod with labels ${selector} in namespace "${target.namespace}" (${seen}).`,
    );
  }
  const port = containerPort(pod, target.port);
  if (port === undefined)
    throw new PortForwardError(
      'not_found',
      `Pod ${target.namespace}/${pod.metadata.name} has no container port named "${String(target.port)}".`,
    );
  return { name: pod.metadata.name, port };
}

/**
 * Asks the API server (SelfSubjectAccessReview) whether we may port-forward in `namespace`, so
 * a refusal is reported before anyone opens the URL. When the review itself cannot be made,
 * the forward is tried anyway and a 403 on the connection says the same thing.
 */
export async function checkPortForwardAccess(kc: KubeConfig, namespace: string): Promise<void> {
  let allowed: boolean;
  let reason: string | undefined;
  try {
    const review = await kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: {
          resourceAttributes: { namespace, verb: 'create', resource: 'pods', subresource: 'portforward' },
        },
      },
    });
    allowed = review.status?.allowed === true;
    reason = review.status?.reason;
  } catch {
    return;
  }
  if (!allowed)
    throw rbacRefusal(kc, namespace, reason ? `the API server says: ${reason}` : 'access review denied');
}

export interface PortForwardOptions {
  /** Local address to listen on (default 127.0.0.1). */
  address?: string;
  /** Local port; 0 for any. Default: the remote port number when it is a number, else any. */
  port?: number;
  /** Fail when `port` is taken instead of taking another one (the person asked for that port). */
  strictPort?: boolean;
  /** Told about each connection that could not be forwarded (the connection is closed). */
  onError?: (error: PortForwardError) => void;
}

export interface LocalPortForward {
  address: string;
  port: number;
  /** `http://<address>:<port><path>` */
  url(path?: string): string;
  stop(): Promise<void>;
}

function listen(server: Server, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, address, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Listens locally and forwards each connection to a running pod matching `target`. */
export async function startPortForward(
  kc: KubeConfig,
  target: PodSelector,
  options: PortForwardOptions = {},
): Promise<LocalPortForward> {
  const address = options.address ?? '127.0.0.1';
  const wanted = options.port ?? (typeof target.port === 'number' ? target.port : 0);
  const report = options.onError ?? (() => undefined);
  const forwarder = new PortForward(kc);
  const sockets = new Set<Socket>();
  const closers = new Set<() => void>();

  const forward = async (sock: Socket): Promise<void> => {
    const failed = new Set<string>();
    // Twice at most: the pod we resolved may have just gone away; the second lookup skips it.
    for (let attempt = 0; attempt < 2; attempt++) {
      const pod = await resolvePod(kc, target, failed);
      let errorText = '';
      const errors = new Writable({
        write(chunk: Buffer, _encoding, done) {
          errorText += chunk.toString();
          done();
        },
      });
      try {
        const opened = await forwarder.portForward(
          target.namespace,
          pod.name,
          [pod.port],
          sock,
          errors,
          sock,
        );
        const ws = typeof opened === 'function' ? opened() : opened;
        if (ws === null) throw new Error('no WebSocket');
        if (sock.destroyed) {
          ws.close();
          return;
        }
        const close = () => ws.close();
        closers.add(close);
        // client-node does not end the local socket when the WebSocket closes (KUBE-SIM §5.1).
        ws.on('close', () => {
          closers.delete(close);
          if (errorText)
            report(
              new PortForwardError('unreachable', `${target.namespace}/${pod.name}: ${errorText.trim()}`),
            );
          sock.end();
        });
        sock.on('close', () => {
          closers.delete(close);
          ws.close();
        });
        return;
      } catch (err) {
        if (statusCodeOf(err) === 403 || /server response: 403\b/.test(messageOf(err)))
          throw rbacRefusal(kc, target.namespace, 'the API server answered 403 Forbidden');
        if (attempt === 1)
          throw new PortForwardError(
            'unreachable',
            `Cannot port-forward to ${target.namespace}/${pod.name}:${pod.port}: ${messageOf(err)}`,
          );
        failed.add(pod.name);
      }
    }
  };

  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    forward(sock).catch((err: unknown) => {
      report(err instanceof PortForwardError ? err : new PortForwardError('unreachable', messageOf(err)));
      sock.destroy();
    });
  });

  try {
    await listen(server, wanted, address);
  } catch (err) {
    const inUse = typeof err === 'object' && err !== null && 'code' in err && err.code === 'EADDRINUSE';
    if (!inUse || options.strictPort === true || wanted === 0)
      throw new PortForwardError(
        inUse ? 'port_in_use' : 'unreachable',
        inUse
          ? `Local port ${address}:${wanted} is already in use.`
          : `Cannot listen on ${address}:${wanted}: ${messageOf(err)}`,
      );
    await listen(server, 0, address);
  }
  const port = (server.address() as AddressInfo).port;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    address,
    port,
    url: (path = '') => `http://${host}:${port}${path}`,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const close of closers) close();
      for (const sock of sockets) sock.destroy();
      await closed;
    },
  };
}

/** A Service's selector and the container port its `port` leads to (number or name). */
export async function serviceBackend(
  kc: KubeConfig,
  namespace: string,
  name: string,
  port?: number,
): Promise<{ selector: Record<string, string>; servicePort: number; targetPort: number | string }> {
  let service;
  try {
    service = await kc.makeApiClient(CoreV1Api).readNamespacedService({ name, namespace });
  } catch (err) {
    const code = statusCodeOf(err);
    if (code === 404)
      throw new PortForwardError('not_found', `No Service "${name}" in namespace "${namespace}".`);
    if (code === 403)
      throw new PortForwardError(
        'forbidden',
        `RBAC does not let ${userOf(kc)} read Service "${name}" in namespace "${namespace}".`,
      );
    throw new PortForwardError('unreachable', `Cannot read Service ${namespace}/${name}: ${messageOf(err)}`);
  }
  const selector = service.spec?.selector ?? {};
  if (Object.keys(selector).length === 0)
    throw new PortForwardError(
      'not_found',
      `Service ${namespace}/${name} has no selector, so no pods behind it.`,
    );
  const ports = service.spec?.ports ?? [];
  const chosen = (port === undefined ? undefined : ports.find((p) => p.port === port)) ?? ports[0];
  if (!chosen) throw new PortForwardError('not_found', `Service ${namespace}/${name} has no ports.`);
  const targetPort = chosen.targetPort ?? chosen.port;
  return {
    selector,
    servicePort: chosen.port,
    targetPort: typeof targetPort === 'number' ? targetPort : String(targetPort),
  };
}

/** Whether this KubeConfig is the pod's service account (client-node's in-cluster loader). */
export function isInCluster(kc: KubeConfig): boolean {
  return kc.getCurrentCluster()?.name === 'inCluster';
}
