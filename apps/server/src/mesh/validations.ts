import type { Validation } from '@sextant/shared';
import { findService, hostMatches, resolveHost, selectorMatches, serviceFqdn } from './hosts';
import { destinationRulesFor } from './istioConfig';
import type { IstioObject, MeshConfig } from './types';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);

/** Does `host` (written in `namespace`) name a Service or a ServiceEntry host we know? */
function hostKnown(config: MeshConfig, host: string, namespace: string): boolean {
  const fqdn = resolveHost(host, namespace);
  if (host.includes('*')) return true;
  if (config.services.some((s) => serviceFqdn(s.name, s.namespace) === fqdn)) return true;
  return config.serviceEntries.some((se) =>
    (Array.isArray(se.spec?.hosts) ? se.spec.hosts : []).some(
      (h) => typeof h === 'string' && hostMatches(h, fqdn),
    ),
  );
}

/** The service a host names, when it is a Kubernetes Service. */
function serviceOfHost(
  config: MeshConfig,
  host: string,
  namespace: string,
): { name: string; namespace: string } | undefined {
  const fqdn = resolveHost(host, namespace);
  const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(fqdn);
  if (!m?.[1] || !m[2]) return undefined;
  return findService(config.services, m[1], m[2]) ? { name: m[1], namespace: m[2] } : undefined;
}

export function validateVirtualService(vs: IstioObject, config: MeshConfig): Validation[] {
  const out: Validation[] = [];
  const ns = vs.metadata.namespace ?? 'default';
  const spec = vs.spec ?? {};
  if (!Array.isArray(spec.hosts) || spec.hosts.length === 0) {
    out.push({
      code: 'SX1000',
      severity: 'error',
      message: 'spec.hosts is empty: name the service(s) this rule applies to.',
      path: 'spec.hosts',
    });
  }
  for (const section of ['http', 'tcp', 'tls'] as const) {
    records(spec[section]).forEach((rule, i) => {
      const routes = records(rule.route);
      const base = `spec.${section}[${i}]`;
      if (routes.length > 1) {
        const sum = routes.reduce((s, r) => s + (typeof r.weight === 'number' ? r.weight : 0), 0);
        if (sum !== 100) {
          out.push({
            code: 'SX1001',
            severity: 'error',
            message: `Route weights add up to ${sum}; they must add up to 100.`,
            path: `${base}.route`,
          });
        }
      }
      routes.forEach((r, j) => {
        const dest = isRecord(r.destination) ? r.destination : {};
        const host = typeof dest.host === 'string' ? dest.host : undefined;
        const path = `${base}.route[${j}].destination`;
        if (!host) return;
        if (!hostKnown(config, host, ns)) {
          out.push({
            code: 'SX1003',
            severity: 'warning',
            message: `No Service or ServiceEntry named "${host}".`,
            path: `${path}.host`,
          });
          return;
        }
        const subset = typeof dest.subset === 'string' ? dest.subset : undefined;
        const svc = serviceOfHost(config, host, ns);
        if (subset && svc) {
          const defined = destinationRulesFor(config, svc.name, svc.namespace).some((dr) =>
            records(dr.spec?.subsets).some((s) => s.name === subset),
          );
          if (!defined) {
            out.push({
              code: 'SX1002',
              severity: 'error',
              message: `Subset "${subset}" is not defined in any DestinationRule for ${host}: requests routed there fail with 503 (NR).`,
              path: `${path}.subset`,
            });
          }
        }
      });
    });
  }
  return out;
}

export function validateDestinationRule(dr: IstioObject, config: MeshConfig): Validation[] {
  const out: Validation[] = [];
  const ns = dr.metadata.namespace ?? 'default';
  const host = typeof dr.spec?.host === 'string' ? dr.spec.host : undefined;
  if (!host)
    return [{ code: 'SX2000', severity: 'error', message: 'spec.host is required.', path: 'spec.host' }];
  if (!hostKnown(config, host, ns)) {
    out.push({
      code: 'SX2001',
      severity: 'warning',
      message: `No Service or ServiceEntry named "${host}".`,
      path: 'spec.host',
    });
    return out;
  }
  const svcRef = serviceOfHost(config, host, ns);
  const svc = svcRef && findService(config.services, svcRef.name, svcRef.namespace);
  if (!svc) return out;
  records(dr.spec?.subsets).forEach((s, i) => {
    const labels: Record<string, string> = {};
    if (isRecord(s.labels))
      for (const [k, v] of Object.entries(s.labels)) if (typeof v === 'string') labels[k] = v;
    const matched = config.workloads.some(
      (w) =>
        w.namespace === svc.namespace &&
        selectorMatches(svc.selector, w.labels) &&
        Object.entries(labels).every(([k, v]) => w.labels[k] === v),
    );
    if (!matched) {
      out.push({
        code: 'SX2002',
        severity: 'warning',
        message: `Subset "${String(s.name)}" selects no workload of ${svc.name}.`,
        path: `spec.subsets[${i}]`,
      });
    }
  });
  return out;
}

/** Findings for any Istio object (kinds without checks yet give none). */
export function validateIstioObject(o: IstioObject, config: MeshConfig): Validation[] {
  switch (o.kind) {
    case 'VirtualService':
      return validateVirtualService(o, config);
    case 'DestinationRule':
      return validateDestinationRule(o, config);
    default:
      return [];
  }
}
