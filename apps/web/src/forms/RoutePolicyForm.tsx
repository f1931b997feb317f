import {
  asIstioObject,
  catchAllRoute,
  fromIstioRoute,
  validateRoutePolicy,
  type RoutePolicy,
} from '@sextant/shared';
import { PolicyForm, type PolicyFormSpec } from './PolicyForm';
import { fieldsFromPolicy, policyFromFields, type RoutePolicyFields } from './routePolicyModel';

const SPEC: PolicyFormSpec<RoutePolicyFields, RoutePolicy> = {
  kind: 'route-policy',
  title: 'Timeouts, retries and faults',
  description:
    'Applies to requests that reach the service through its default route. Leave a field empty for none.',
  resource: 'virtualservices',
  refKind: 'VirtualService',
  groups: [
    {
      title: 'Timeout',
      fields: [{ key: 'timeout', label: 'Request timeout', hint: 'e.g. 2s', path: 'timeout' }],
    },
    {
      title: 'Retries',
      fields: [
        { key: 'retryAttempts', label: 'Attempts', hint: 'e.g. 3', path: 'retries.attempts' },
        { key: 'perTryTimeout', label: 'Per-try timeout', hint: 'e.g. 500ms', path: 'retries.perTryTimeout' },
        { key: 'retryOn', label: 'Retry on', hint: 'e.g. 5xx,reset', path: 'retries.retryOn' },
      ],
    },
    {
      title: 'Inject a delay',
      fields: [
        { key: 'fixedDelay', label: 'Delay', hint: 'e.g. 2s', path: 'fault.delay.fixedDelay' },
        { key: 'delayPercent', label: 'Delay for % of requests', hint: '100', path: 'fault.delay.percent' },
      ],
    },
    {
      title: 'Inject an error',
      fields: [
        { key: 'abortStatus', label: 'HTTP status', hint: 'e.g. 503', path: 'fault.abort.httpStatus' },
        { key: 'abortPercent', label: 'Error for % of requests', hint: '100', path: 'fault.abort.percent' },
      ],
    },
  ],
  read: (vs, service, namespace) =>
    fieldsFromPolicy(fromIstioRoute(catchAllRoute(asIstioObject('VirtualService', vs), service, namespace))),
  toPolicy: policyFromFields,
  validate: validateRoutePolicy,
  applyLabel: 'Apply policy',
};

/** Timeouts, retries and fault injection of a service's default route. */
export function RoutePolicyForm({ namespace, service }: { namespace: string; service: string }) {
  return <PolicyForm spec={SPEC} namespace={namespace} service={service} />;
}
