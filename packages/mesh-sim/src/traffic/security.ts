import type { KubeObject } from '../cluster/types';
import { labelsMatch, ROOT_NAMESPACE } from './mesh';
import type { MeshSnapshot, PodInfo, ServiceInfo } from './mesh';
import { findDestinationRule } from './routing';

/**
 * Transport security as Istio decides it for one hop: what the client proxy sends (auto mTLS
 * unless a DestinationRule says otherwise) and whether the server's PeerAuthentication accepts it.
 */

export type PeerAuthMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

export interface HopSecurity {
  /** The hop is Istio mTLS: principals are known, destination reports `mutual_tls`. */
  mtls: boolean;
  /** The server refused the connection (STRICT vs plaintext, or mTLS to a server without a proxy). */
  refused: boolean;
  /** Envoy flag the client proxy reports when refused. */
  failureFlag?: 'UC' | 'UF';
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value))) if (typeof v === 'string') out[k] = v;
  return out;
}

function modeOf(value: unknown): PeerAuthMode | undefined {
  const mode = record(value).mode;
  return mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : undefined;
}

function hasSelector(pa: KubeObject): boolean {
  return Object.keys(stringRecord(record(record(pa.spec).selector).matchLabels)).length > 0;
}

function oldestFirst(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  return ta === tb ? a.metadata.name.localeCompare(b.metadata.name) : ta < tb ? -1 : 1;
}

/**
 * The effective PeerAuthentication mode on a server pod's port: workload policy (port-level
 * first) over namespace policy over the mesh-wide one in the root namespace; UNSET inherits;
 * PERMISSIVE when nothing applies.
 */
export function effectivePeerAuthMode(
  peerAuthentications: KubeObject[],
  pod: { namespace: string; labels: Record<string, string> },
  port: number | undefined,
): PeerAuthMode {
  const sorted = [...peerAuthentications].sort(oldestFirst);
  const workload = sorted.find(
    (pa) =>
      pa.metadata.namespace === pod.namespace &&
      hasSelector(pa) &&
      labelsMatch(stringRecord(record(record(pa.spec).selector).matchLabels), pod.labels),
  );
  const namespaceWide = sorted.find((pa) => pa.metadata.namespace === pod.namespace && !hasSelector(pa));
  const meshWide = sorted.find((pa) => pa.metadata.namespace === ROOT_NAMESPACE && !hasSelector(pa));

  if (workload && port !== undefined) {
    const portLevel = modeOf(record(record(record(workload.spec).portLevelMtls)[String(port)]));
    if (portLevel) return portLevel;
  }
  for (const pa of [workload, namespaceWide, meshWide]) {
    const mode = pa ? modeOf(record(pa.spec).mtls) : undefined;
    if (mode) return mode;
  }
  return 'PERMISSIVE';
}

/** DestinationRule `tls.mode` for the hop: subset policy over port-level over top-level. */
export function destinationTlsMode(
  snapshot: MeshSnapshot,
  service: ServiceInfo,
  callerNamespace: string,
  subset: string | undefined,
  port: number | undefined,
): string | undefined {
  const dr = findDestinationRule(snapshot, service, callerNamespace);
  if (!dr) return undefined;
  const spec = record(dr.spec);
  const policies: unknown[] = [];
  if (subset !== undefined) {
    const found = (Array.isArray(spec.subsets) ? spec.subsets : [])
      .map(record)
      .find((s) => s.name === subset);
    if (found) policies.push(found.trafficPolicy);
  }
  policies.push(spec.trafficPolicy);
  for (const policy of policies) {
    const p = record(policy);
    const portLevel = (Array.isArray(p.portLevelSettings) ? p.portLevelSettings : [])
      .map(record)
      .find((s) => record(s.port).number === port);
    const mode = record(portLevel?.tls).mode ?? record(p.tls).mode;
    if (typeof mode === 'string') return mode;
  }
  return undefined;
}

/**
 * One hop from `client` (undefined: a caller without a proxy) to `server`.
 * Auto mTLS: a client proxy sends Istio mTLS when the server has a proxy and its policy is not
 * DISABLE, unless a DestinationRule sets the TLS mode explicitly.
 *
 * How a mismatch fails, as the caller's Envoy sees it (the server's proxy never gets an HTTP
 * request, so it reports nothing):
 * - plaintext (DestinationRule `DISABLE`, or no proxy) toward STRICT: the TCP connection opens,
 *   then the server's proxy finds no filter chain for plaintext and closes it: `UC`
 *   ("reset reason: connection termination"). A caller without a proxy just sees the reset.
 * - `SIMPLE` / `MUTUAL` (TLS the client originates, not Istio's): the handshake reaches a peer
 *   that does not accept it (STRICT wants an Istio client certificate; otherwise the plaintext
 *   app gets a ClientHello) and the connection never completes: `UF` with a TLS error. Same for
 *   Istio mTLS toward a pod without a proxy or with DISABLE.
 * The simulated apps all serve plaintext, so an app terminating TLS itself is not modelled.
 */
export function hopSecurity(
  snapshot: MeshSnapshot,
  client: PodInfo | undefined,
  server: PodInfo,
  service: ServiceInfo,
  subset: string | undefined,
  port: number | undefined,
): HopSecurity {
  const targetPort = service.ports.find((p) => p.port === port)?.targetPort ?? port;
  const serverMode = server.hasProxy
    ? effectivePeerAuthMode(snapshot.peerAuthentications, server, targetPort)
    : undefined;

  let sendsMtls = false;
  if (client?.hasProxy) {
    const drMode = destinationTlsMode(snapshot, service, client.namespace, subset, port);
    if (drMode === 'SIMPLE' || drMode === 'MUTUAL') return { mtls: false, refused: true, failureFlag: 'UF' };
    if (drMode === 'ISTIO_MUTUAL') sendsMtls = true;
    else if (drMode === undefined) sendsMtls = server.hasProxy && serverMode !== 'DISABLE';
  }

  if (sendsMtls && (!server.hasProxy || serverMode === 'DISABLE'))
    return { mtls: false, refused: true, failureFlag: 'UF' };
  if (!sendsMtls && serverMode === 'STRICT') return { mtls: false, refused: true, failureFlag: 'UC' };
  return { mtls: sendsMtls, refused: false };
}
