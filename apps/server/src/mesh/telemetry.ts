import type { DestinationPeer, Reporter, SourcePeer } from './types';

interface Sample {
  reporter: Reporter;
  source: SourcePeer;
  destination: DestinationPeer;
}

/** Identifies a caller → service → workload combination, whoever reported it. */
export const sampleKey = (s: Sample): string =>
  `${s.source.namespace}/${s.source.workload}>${s.destination.serviceNamespace}/${s.destination.service}>${s.destination.workloadNamespace}/${s.destination.workload}`;

const pairKey = (s: Sample): string =>
  `${s.source.namespace}/${s.source.workload}>${s.destination.serviceNamespace}/${s.destination.service}`;

/**
 * Picks one reporter per caller → service pair, as Kiali does: the destination proxy's view when
 * it reported (it sees mTLS and the real response), the source proxy's view only for pairs the
 * destination did not report (a destination without a sidecar, or outside the mesh).
 */
export function preferReporters<T extends Sample>(samples: T[]): T[] {
  const seenByDestination = new Set<string>();
  for (const s of samples) if (s.reporter === 'destination') seenByDestination.add(pairKey(s));
  return samples.filter((s) => s.reporter === 'destination' || !seenByDestination.has(pairKey(s)));
}

/** Keeps samples with either end in one of the namespaces. */
export const filterByNamespaces =
  (namespaces: Set<string>) =>
  (s: Sample): boolean =>
    namespaces.has(s.source.namespace) ||
    namespaces.has(s.destination.serviceNamespace) ||
    namespaces.has(s.destination.workloadNamespace);
