import { matchesEveryRequest, type Validation, type VirtualService } from '@sextant/shared';
import { resolveHost } from '../hosts';
import type { MeshConfig } from '../types';
import { destinationRulesOf, finding, hostKnown, indexOf, nsOf, sameObject, serviceOfHost } from './helpers';

const MESH = 'mesh';

/** `name`, `ns/name` or the legacy `name.ns.svc.cluster.local` → `ns/name`; `mesh` stays `mesh`. */
export function gatewayKey(ref: string, namespace: string): string {
  if (ref === MESH) return MESH;
  const slash = ref.indexOf('/');
  if (slash >= 0) return `${ref.slice(0, slash)}/${ref.slice(slash + 1)}`;
  const parts = ref.split('.');
  if (parts.length > 1 && parts[0] && parts[1]) return `${parts[1]}/${parts[0]}`;
  return `${namespace}/${ref}`;
}

/** The gateways a VirtualService is bound to; none written means the sidecars (`mesh`). */
export function gatewaysOf(vs: VirtualService): string[] {
  const refs = (vs.spec?.gateways ?? []).map((g) => gatewayKey(g, nsOf(vs)));
  return refs.length > 0 ? refs : [MESH];
}

function checkHosts(vs: VirtualService, config: MeshConfig): Validation[] {
  const hosts = vs.spec?.hosts ?? [];
  if (hosts.length === 0) {
    return [
      finding(
        'SX1000',
        'error',
        'spec.hosts',
        'spec.hosts is empty: name the service(s) this rule applies to.',
      ),
    ];
  }
  // Hosts of a rule bound only to ingress gateways are public names, not services.
  if (!gatewaysOf(vs).includes(MESH)) return [];
  const out: Validation[] = [];
  hosts.forEach((h, i) => {
    if (hostKnown(config, h, nsOf(vs))) return;
    out.push(
      finding(
        'SX1004',
        'warning',
        `spec.hosts[${i}]`,
        `No Service or ServiceEntry is named "${h}", so this rule never applies: use the service's name (e.g. reviews or reviews.${nsOf(vs)}.svc.cluster.local) or add a ServiceEntry.`,
      ),
    );
  });
  return out;
}

function checkGateways(vs: VirtualService, config: MeshConfig): Validation[] {
  const known = new Set(config.gateways.map((g) => `${nsOf(g)}/${g.metadata.name}`));
  const out: Validation[] = [];
  const check = (ref: string, path: string): void => {
    const key = gatewayKey(ref, nsOf(vs));
    if (key === MESH || known.has(key)) return;
    out.push(
      finding(
        'SX1005',
        'error',
        path,
        `Gateway "${ref}" does not exist (looked for ${key}): create it, or write <namespace>/<name> when it lives in another namespace.`,
      ),
    );
  };
  (vs.spec?.gateways ?? []).forEach((g, i) => check(g, `spec.gateways[${i}]`));
  (vs.spec?.http ?? []).forEach((rule, i) =>
    (rule.match ?? []).forEach((m, j) =>
      (m.gateways ?? []).forEach((g, k) => check(g, `spec.http[${i}].match[${j}].gateways[${k}]`)),
    ),
  );
  return out;
}

function checkRoutes(vs: VirtualService, config: MeshConfig): Validation[] {
  const out: Validation[] = [];
  const ns = nsOf(vs);
  for (const section of ['http', 'tcp', 'tls'] as const) {
    (vs.spec?.[section] ?? []).forEach((rule, i) => {
      const routes = rule.route ?? [];
      const base = `spec.${section}[${i}]`;
      if (routes.length > 1) {
        const sum = routes.reduce((s, r) => s + (r.weight ?? 0), 0);
        if (sum !== 100) {
          out.push(
            finding(
              'SX1001',
              'error',
              `${base}.route`,
              `Route weights add up to ${sum}; they must add up to 100: adjust the weights of the ${routes.length} destinations.`,
            ),
          );
        }
      }
      routes.forEach((r, j) => {
        const w = r.weight;
        // The schema makes it a number; Istio wants a whole percentage.
        if (w !== undefined && (!Number.isInteger(w) || w < 0 || w > 100)) {
          out.push(
            finding(
              'SX1008',
              'error',
              `${base}.route[${j}].weight`,
              `Weight ${JSON.stringify(w)} is not a whole percentage from 0 to 100: give each destination 0–100, all adding up to 100.`,
            ),
          );
        }
        const { host, subset } = r.destination;
        const path = `${base}.route[${j}].destination`;
        if (!host) return;
        if (!hostKnown(config, host, ns)) {
          out.push(
            finding(
              'SX1003',
              'warning',
              `${path}.host`,
              `No Service or ServiceEntry named "${host}": requests routed there fail; fix the host or add a ServiceEntry.`,
            ),
          );
          return;
        }
        const svc = serviceOfHost(config, host, ns);
        if (!subset || !svc) return;
        const defined = destinationRulesOf(config, svc).some((dr) =>
          (dr.spec?.subsets ?? []).some((s) => s.name === subset),
        );
        if (!defined) {
          out.push(
            finding(
              'SX1002',
              'error',
              `${path}.subset`,
              `Subset "${subset}" is not defined in any DestinationRule for ${host}: requests routed there fail with 503 (NR). Add the subset to the DestinationRule or route to a defined one.`,
            ),
          );
        }
      });
    });
  }
  return out;
}

function checkUnreachableRules(vs: VirtualService): Validation[] {
  const rules = vs.spec?.http ?? [];
  // The same catch-all rule the graph and the forms use for a service's default route.
  const catchAll = rules.findIndex(matchesEveryRequest);
  if (catchAll < 0) return [];
  return rules
    .slice(catchAll + 1)
    .map((_, k) =>
      finding(
        'SX1006',
        'warning',
        `spec.http[${catchAll + 1 + k}]`,
        `This rule can never match: rule ${catchAll} before it matches every request. Move it above rule ${catchAll}, or give rule ${catchAll} a match.`,
      ),
    );
}

function checkDuplicateHosts(vs: VirtualService, config: MeshConfig): Validation[] {
  const mine = new Set(gatewaysOf(vs));
  const byHost = indexOf(config).virtualServicesByHost;
  const out: Validation[] = [];
  (vs.spec?.hosts ?? []).forEach((h, i) => {
    if (h.includes('*')) return;
    const clash = (byHost.get(resolveHost(h, nsOf(vs))) ?? [])
      .filter((o) => !sameObject(o, vs) && gatewaysOf(o).some((g) => mine.has(g)))
      .map((o) => `${nsOf(o)}/${o.metadata.name}`);
    if (clash.length === 0) return;
    out.push(
      finding(
        'SX1007',
        'warning',
        `spec.hosts[${i}]`,
        `VirtualService ${clash.join(', ')} also routes "${h}"; Istio merges them in no guaranteed order. Keep one VirtualService per host.`,
      ),
    );
  });
  return out;
}

/** Findings for a VirtualService (codes SX1xxx). */
export function validateVirtualService(vs: VirtualService, config: MeshConfig): Validation[] {
  return [
    ...checkHosts(vs, config),
    ...checkGateways(vs, config),
    ...checkRoutes(vs, config),
    ...checkUnreachableRules(vs),
    ...checkDuplicateHosts(vs, config),
  ];
}
