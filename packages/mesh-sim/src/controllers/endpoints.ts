/**
 * The Endpoints controller: a Service with a selector lists the IPs of its pods, ready ones
 * under `addresses`, the others under `notReadyAddresses`, with target ports resolved
 * (named target ports per pod, so pods exposing different numbers land in different subsets).
 */
import type { KubeObject } from '../cluster/types';
import { ENDPOINTS, PODS, SERVICES, type ControllerContext } from './context';
import { asArray, asRecord, asString, labelsMatch, sameJson, stringMap, type Json } from './objects';
import { isReady } from './pod';

export function reconcileEndpoints(ctx: ControllerContext, namespace: string, name: string): void {
  const { store } = ctx;
  const service = ctx.read(SERVICES, namespace, name);
  const existing = ctx.read(ENDPOINTS, namespace, name);
  if (service === undefined) {
    if (existing !== undefined) store.delete(ENDPOINTS, namespace, name);
    return;
  }
  const selector = stringMap(asRecord(service.spec).selector);
  // Without a selector the Endpoints belong to whoever wrote them; ExternalName has none.
  if (Object.keys(selector).length === 0 || asRecord(service.spec).type === 'ExternalName') return;

  const pods = ctx.index
    .objects(ctx, PODS, namespace, (entry) => labelsMatch(selector, entry.labels))
    .filter(
      (pod) => typeof asRecord(pod.status).podIP === 'string' && pod.metadata.deletionTimestamp === undefined,
    );

  const subsets = new Map<string, { addresses: Json[]; notReadyAddresses: Json[]; ports: Json[] }>();
  for (const pod of pods) {
    const ports = endpointPorts(service, pod);
    if (ports.length === 0) continue;
    const key = JSON.stringify(ports);
    const subset = subsets.get(key) ?? { addresses: [], notReadyAddresses: [], ports };
    subsets.set(key, subset);
    const address: Json = {
      ip: asRecord(pod.status).podIP,
      nodeName: asRecord(pod.spec).nodeName,
      targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    };
    (isReady(pod) ? subset.addresses : subset.notReadyAddresses).push(address);
  }
  const byIp = (a: Json, b: Json): number =>
    String(a.ip).localeCompare(String(b.ip), 'en', { numeric: true });
  const desiredSubsets = [...subsets.values()].map((s) => {
    const out: Json = {};
    if (s.addresses.length > 0) out.addresses = s.addresses.sort(byIp);
    if (s.notReadyAddresses.length > 0) out.notReadyAddresses = s.notReadyAddresses.sort(byIp);
    out.ports = s.ports;
    return out;
  });

  const labels = { ...(service.metadata.labels ?? {}) };
  if (existing === undefined) {
    const endpoints: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace, labels },
    };
    if (desiredSubsets.length > 0) endpoints.subsets = desiredSubsets;
    store.create(ENDPOINTS, endpoints);
    return;
  }
  const current = existing.subsets ?? [];
  if (sameJson(current, desiredSubsets) && sameJson(existing.metadata.labels ?? {}, labels)) return;
  const next: KubeObject = { ...existing, metadata: { ...existing.metadata, labels } };
  if (desiredSubsets.length > 0) next.subsets = desiredSubsets;
  else delete next.subsets;
  store.update(ENDPOINTS, next);
}

/** The Service's ports as this pod serves them; a named target port the pod lacks is left out. */
function endpointPorts(service: KubeObject, pod: KubeObject): Json[] {
  const containerPorts = asArray(asRecord(pod.spec).containers).flatMap((c) =>
    asArray(asRecord(c).ports).map(asRecord),
  );
  const out: Json[] = [];
  for (const raw of asArray(asRecord(service.spec).ports)) {
    const port = asRecord(raw);
    const target = port.targetPort ?? port.port;
    let number: number | undefined;
    if (typeof target === 'number') number = target;
    else if (typeof target === 'string' && /^\d+$/.test(target)) number = Number(target);
    else if (typeof target === 'string') {
      const found = containerPorts.find((p) => p.name === target)?.containerPort;
      number = typeof found === 'number' ? found : undefined;
    }
    if (number === undefined) continue;
    const entry: Json = { port: number, protocol: asString(port.protocol) ?? 'TCP' };
    if (typeof port.name === 'string' && port.name !== '') entry.name = port.name;
    if (typeof port.appProtocol === 'string') entry.appProtocol = port.appProtocol;
    out.push(entry);
  }
  return out;
}
