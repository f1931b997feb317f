import type {
  ConfigFinding,
  ConfigRef,
  IstioResource,
  UnreadableIstioObject,
  Validation,
} from '@sextant/shared';
import { refOf } from '../istioConfig';
import type { MeshConfig } from '../types';
import { validateAuthorizationPolicy } from './authorizationPolicy';
import { validateDestinationRule } from './destinationRule';
import { validateGateway } from './gateway';
import { finding, refKey } from './helpers';
import { validatePeerAuthentication } from './peerAuthentication';
import { validateRequestAuthentication } from './requestAuthentication';
import { validateSidecar } from './sidecar';
import { validateVirtualService } from './virtualService';

export { validateAuthorizationPolicy } from './authorizationPolicy';
export { validateDestinationRule } from './destinationRule';
export { validateGateway } from './gateway';
export { effectiveMtlsMode } from './peerAuthentication';
export type { MtlsMode } from './peerAuthentication';
export { validatePeerAuthentication } from './peerAuthentication';
export { validateRequestAuthentication } from './requestAuthentication';
export { validateSidecar } from './sidecar';
export { validateVirtualService } from './virtualService';
export { namespaceCalls, validateNamespaceCalls, validateWorkload } from './workloads';
export type { NamespaceCall } from './workloads';

/** Inputs the cache does not hold; checks that need them are skipped when absent. */
export interface ValidationExtras {
  /** Secrets as `namespace/name`, for Gateway credentialName. */
  secrets?: ReadonlySet<string>;
}

/** Findings for any Istio object (ServiceEntry has no checks yet). */
export function validateIstioObject(
  o: IstioResource,
  config: MeshConfig,
  extras: ValidationExtras = {},
): Validation[] {
  switch (o.kind) {
    case 'VirtualService':
      return validateVirtualService(o, config);
    case 'DestinationRule':
      return validateDestinationRule(o, config);
    case 'Gateway':
      return validateGateway(o, config, extras.secrets);
    case 'PeerAuthentication':
      return validatePeerAuthentication(o, config);
    case 'AuthorizationPolicy':
      return validateAuthorizationPolicy(o, config);
    case 'RequestAuthentication':
      return validateRequestAuthentication(o, config);
    case 'Sidecar':
      return validateSidecar(o, config);
    case 'ServiceEntry':
      return [];
  }
}

/**
 * SX0001: the object does not match the shape Istio gives its fields (a string where a list
 * belongs, a route without a host), so Sextant leaves it out of the graph, the forms and the other
 * checks. One finding per field at fault, pointing at it.
 */
export const schemaFindings = (u: UnreadableIstioObject): Validation[] =>
  u.issues.map((i) =>
    finding(
      'SX0001',
      'error',
      i.path,
      `${i.path || 'The object'}: ${i.message}. Istio rejects or misreads a field of the wrong type, and Sextant ignores this ${u.kind} until it is fixed.`,
    ),
  );

const allIstioObjects = (config: MeshConfig): IstioResource[] => [
  ...config.virtualServices,
  ...config.destinationRules,
  ...config.gateways,
  ...config.serviceEntries,
  ...config.sidecars,
  ...config.peerAuthentications,
  ...config.authorizationPolicies,
  ...config.requestAuthentications,
];

/**
 * The findings of every Istio object, keyed `Kind/namespace/name`. Computed once per request and
 * looked up, so a graph or a service list does not validate the same object once per node.
 */
export function validateMeshConfig(config: MeshConfig): Map<string, Validation[]> {
  const out = new Map<string, Validation[]>();
  for (const o of allIstioObjects(config)) out.set(refKey(refOf(o)), validateIstioObject(o, config));
  for (const u of config.unreadable) out.set(refKey(refOf(u.object)), schemaFindings(u));
  return out;
}

/** The findings of the objects `refs` names, each tagged with its object, for a service or workload. */
export function findingsOf(refs: ConfigRef[], byObject: Map<string, Validation[]>): ConfigFinding[] {
  return refs.flatMap((object) => (byObject.get(refKey(object)) ?? []).map((v) => ({ ...v, object })));
}

/** True when any of `refs` has an error-severity finding (the graph's ERR badge). */
export const hasConfigErrors = (refs: ConfigRef[], byObject: Map<string, Validation[]>): boolean =>
  refs.some((r) => (byObject.get(refKey(r)) ?? []).some((v) => v.severity === 'error'));
