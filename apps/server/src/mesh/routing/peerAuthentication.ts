import { peerAuthenticationName } from '@sextant/shared';
import type { PeerAuthentication, PeerAuthenticationRequest } from '@sextant/shared';
import type { PlannedChange } from './trafficShift';

const SECURITY_API = 'security.istio.io/v1';

/**
 * The PeerAuthentication with the requested mTLS mode (and, for a workload, its selector), created
 * when `current` is undefined; other fields (port-level modes, labels) stay as they were.
 */
export function planPeerAuthentication(input: {
  namespace: string;
  current: PeerAuthentication | undefined;
  request: PeerAuthenticationRequest;
}): PlannedChange<PeerAuthentication> {
  const { namespace, current, request } = input;
  const spec = structuredClone(current?.spec ?? {});
  spec.mtls = { ...spec.mtls, mode: request.mode };
  if (request.workload) spec.selector = { matchLabels: { ...request.workload.labels } };
  else delete spec.selector;
  return {
    before: current ?? null,
    after: current
      ? { ...structuredClone(current), spec }
      : {
          apiVersion: SECURITY_API,
          kind: 'PeerAuthentication',
          metadata: { name: peerAuthenticationName(request), namespace },
          spec,
        },
  };
}
