import type { Gateway, Validation } from '@sextant/shared';
import type { MeshConfig, WorkloadInfo } from '../types';
import { finding, nsOf, sameObject, workloadsWithLabels } from './helpers';

/** Gateway pods the selector picks, in any namespace (Istio's default scope for Gateway selectors). */
function selected(gw: Gateway, config: MeshConfig): WorkloadInfo[] {
  const sel = gw.spec?.selector ?? {};
  return Object.keys(sel).length === 0 ? [] : workloadsWithLabels(config, undefined, sel);
}

/** `host` of a server entry without its optional `namespace/` prefix. */
const bareHost = (h: string): string => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h);

/** (host, port) pairs a Gateway listens for, with the path of each host. */
function listeners(gw: Gateway): { host: string; port: number; path: string }[] {
  const out: { host: string; port: number; path: string }[] = [];
  (gw.spec?.servers ?? []).forEach((server, i) => {
    const port = server.port?.number;
    if (port === undefined) return;
    (server.hosts ?? []).forEach((h, j) => {
      out.push({ host: bareHost(h), port, path: `spec.servers[${i}].hosts[${j}]` });
    });
  });
  return out;
}

function checkSelector(gw: Gateway, config: MeshConfig, pods: WorkloadInfo[]): Validation[] {
  const sel = gw.spec?.selector ?? {};
  if (pods.length > 0 || Object.keys(sel).length === 0) return [];
  const wanted = Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return [
    finding(
      'SX4001',
      'warning',
      'spec.selector',
      `No gateway pod has the labels ${wanted}, so nothing listens for this Gateway: use the labels of your ingress gateway Deployment (istio=ingressgateway for the default install).`,
    ),
  ];
}

function checkDuplicateListeners(gw: Gateway, config: MeshConfig, pods: WorkloadInfo[]): Validation[] {
  const mine = new Set(pods.map((w) => `${w.namespace}/${w.name}`));
  const sameSelector = JSON.stringify(gw.spec?.selector ?? {});
  const others = config.gateways
    .filter((o) => !sameObject(o, gw))
    .filter(
      (o) =>
        JSON.stringify(o.spec?.selector ?? {}) === sameSelector ||
        selected(o, config).some((w) => mine.has(`${w.namespace}/${w.name}`)),
    )
    .map((o) => ({ o, listeners: listeners(o) }));
  const out: Validation[] = [];
  for (const l of listeners(gw)) {
    const clash = others.filter((x) => x.listeners.some((y) => y.port === l.port && y.host === l.host));
    if (clash.length === 0) continue;
    out.push(
      finding(
        'SX4002',
        'warning',
        l.path,
        `Gateway ${clash.map((x) => `${nsOf(x.o)}/${x.o.metadata.name}`).join(', ')} also serves "${l.host}" on port ${l.port} on the same gateway pods; only one of them takes effect. Merge the servers or use distinct hosts.`,
      ),
    );
  }
  return out;
}

function checkCredentials(gw: Gateway, pods: WorkloadInfo[], secrets: ReadonlySet<string>): Validation[] {
  const namespaces = [...new Set(pods.map((w) => w.namespace))];
  if (namespaces.length === 0) return [];
  const out: Validation[] = [];
  (gw.spec?.servers ?? []).forEach((server, i) => {
    const name = server.tls?.credentialName;
    if (!name) return;
    const missing = namespaces.filter((ns) => !secrets.has(name.includes('/') ? name : `${ns}/${name}`));
    if (missing.length === 0) return;
    out.push(
      finding(
        'SX4003',
        'error',
        `spec.servers[${i}].tls.credentialName`,
        `Secret "${name}" does not exist in ${missing.join(', ')} (the gateway pods' namespace): TLS on this server fails. Create it, e.g. kubectl create -n ${missing[0] ?? ''} secret tls ${name} --key=… --cert=….`,
      ),
    );
  });
  return out;
}

/**
 * Findings for a Gateway (codes SX4xxx). `secrets` (`namespace/name`) is optional because the
 * server does not cache Secrets; without it the credentialName check is skipped.
 */
export function validateGateway(
  gw: Gateway,
  config: MeshConfig,
  secrets?: ReadonlySet<string>,
): Validation[] {
  const pods = selected(gw, config);
  return [
    ...checkSelector(gw, config, pods),
    ...checkDuplicateListeners(gw, config, pods),
    ...(secrets ? checkCredentials(gw, pods, secrets) : []),
  ];
}
