import { filterByNamespaces, selectReports } from '../telemetry';
import type { SelectedTelemetry } from '../telemetry';
import type { Telemetry } from '../types';

/**
 * Stage 1, traffic: the reporter rules (mesh/telemetry.ts) applied, then only what touches the
 * requested namespaces.
 */
export function selectTraffic(telemetry: Telemetry, namespaces: readonly string[]): SelectedTelemetry {
  const inScope = filterByNamespaces(new Set(namespaces));
  const selected = selectReports(telemetry);
  return {
    requests: selected.requests.filter(inScope),
    latencies: selected.latencies.filter(inScope),
    tcp: selected.tcp.filter(inScope),
    destinationRequests: selected.destinationRequests.filter(inScope),
    destinationTcp: selected.destinationTcp.filter(inScope),
  };
}
