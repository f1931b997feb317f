import {
  LOAD_BALANCERS,
  TLS_MODES,
  asIstioObject,
  fromTrafficPolicy,
  validateDestinationPolicy,
  type DestinationPolicy,
} from '@sextant/shared';
import {
  destinationPolicyFromFields,
  fieldsFromDestinationPolicy,
  type DestinationPolicyFields,
} from './destinationPolicyModel';
import { PolicyForm, type PolicyFormSpec } from './PolicyForm';

const SPEC: PolicyFormSpec<DestinationPolicyFields, DestinationPolicy> = {
  kind: 'destination-policy',
  title: 'Connections, circuit breaking and TLS',
  description:
    'The DestinationRule traffic policy for every subset of the service. Leave a field empty to unset it.',
  resource: 'destinationrules',
  refKind: 'DestinationRule',
  groups: [
    {
      title: 'TLS and load balancing',
      fields: [
        { key: 'tlsMode', label: 'TLS mode', hint: '', path: 'tlsMode', options: TLS_MODES },
        {
          key: 'loadBalancer',
          label: 'Load balancer',
          hint: '',
          path: 'loadBalancer',
          options: LOAD_BALANCERS,
        },
      ],
    },
    {
      title: 'Connection pool',
      fields: [
        {
          key: 'maxConnections',
          label: 'Max connections',
          hint: 'e.g. 100',
          path: 'connectionPool.maxConnections',
        },
        {
          key: 'http1MaxPendingRequests',
          label: 'Max pending requests',
          hint: 'e.g. 10',
          path: 'connectionPool.http1MaxPendingRequests',
        },
        {
          key: 'maxRequestsPerConnection',
          label: 'Max requests per connection',
          hint: 'e.g. 1',
          path: 'connectionPool.maxRequestsPerConnection',
        },
      ],
    },
    {
      title: 'Outlier detection',
      fields: [
        {
          key: 'consecutive5xxErrors',
          label: 'Eject after consecutive 5xx',
          hint: 'e.g. 5',
          path: 'outlierDetection.consecutive5xxErrors',
        },
        { key: 'interval', label: 'Check interval', hint: 'e.g. 10s', path: 'outlierDetection.interval' },
        {
          key: 'baseEjectionTime',
          label: 'Ejection time',
          hint: 'e.g. 30s',
          path: 'outlierDetection.baseEjectionTime',
        },
        {
          key: 'maxEjectionPercent',
          label: 'Max ejected %',
          hint: 'e.g. 50',
          path: 'outlierDetection.maxEjectionPercent',
        },
      ],
    },
  ],
  read: (dr) =>
    fieldsFromDestinationPolicy(fromTrafficPolicy(asIstioObject('DestinationRule', dr)?.spec?.trafficPolicy)),
  toPolicy: destinationPolicyFromFields,
  validate: validateDestinationPolicy,
  applyLabel: 'Apply traffic policy',
};

/** TLS mode, load balancer, connection pool and outlier detection of a service's DestinationRule. */
export function DestinationPolicyForm({ namespace, service }: { namespace: string; service: string }) {
  return <PolicyForm spec={SPEC} namespace={namespace} service={service} />;
}
