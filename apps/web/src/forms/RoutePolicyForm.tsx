import { useId, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  catchAllRoute,
  fromIstioRoute,
  validateRoutePolicy,
  type KubeObjectJson,
  type RoutePolicy,
} from '@sextant/shared';
import { ApiError } from '../api';
import { istioObjectQuery, serviceQuery, useRoutingChange, useRoutingPreview } from '../api/routing';
import { DiffView } from './DiffView';
import {
  ConflictNotice,
  ErrorNotice,
  FormActions,
  findConflict,
  useEditPermission,
  virtualServiceAfter,
} from './formSafety';
import { fieldsFromPolicy, policyFromFields, type RoutePolicyFields } from './routePolicyModel';
import './forms.css';

/** Timeouts, retries and fault injection of a service's default route, on the traffic-shift pattern. */
export function RoutePolicyForm({ namespace, service }: { namespace: string; service: string }) {
  const svc = useQuery(serviceQuery(namespace, service));
  const vsRef = svc.data?.istioConfig.find((r) => r.kind === 'VirtualService' && r.namespace === namespace);
  const vs = useQuery(istioObjectQuery(namespace, 'virtualservices', vsRef?.name));
  if (!svc.data || (vsRef && !vs.data && !vs.isError)) return null;
  return (
    <PolicyEditor
      key={vs.data?.object.metadata.name ?? 'none'}
      namespace={namespace}
      service={service}
      initial={vs.data?.object ?? null}
    />
  );
}

/** The form's fields, grouped as Istio groups them, with the policy path each one fills. */
const GROUPS: {
  title: string;
  fields: { key: keyof RoutePolicyFields; label: string; hint: string; path: string }[];
}[] = [
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
];

const policyOf = (vs: KubeObjectJson | null, service: string, namespace: string): RoutePolicy =>
  fromIstioRoute(catchAllRoute(vs, service, namespace));

function PolicyEditor({
  namespace,
  service,
  initial,
}: {
  namespace: string;
  service: string;
  initial: KubeObjectJson | null;
}) {
  const [base, setBase] = useState(initial);
  const current = useMemo(
    () => fieldsFromPolicy(policyOf(base, service, namespace)),
    [base, service, namespace],
  );
  const [fields, setFields] = useState<RoutePolicyFields>(current);
  const [appliedNote, setAppliedNote] = useState<string | null>(null);
  const { canEdit, refusal } = useEditPermission(namespace);

  const policy = policyFromFields(fields);
  const issues = validateRoutePolicy(policy);
  const unchanged = JSON.stringify(policy) === JSON.stringify(policyFromFields(current));
  const resourceVersion = base?.metadata.resourceVersion;
  const preview = useRoutingPreview(
    'route-policy',
    namespace,
    service,
    { policy, resourceVersion },
    canEdit && issues.length === 0 && !unchanged,
  );
  const change = useRoutingChange<{ policy: RoutePolicy; resourceVersion?: string }>(
    'route-policy',
    namespace,
    service,
  );
  const conflict = findConflict([change.error, preview.error]);
  const otherError = [change.error, preview.isFetching ? null : preview.error].find(
    (e) => e instanceof Error && !(e instanceof ApiError && e.status === 409),
  );
  const disabled = !canEdit || change.isPending;

  const handleApply = (rv = resourceVersion) =>
    change.mutate(
      { policy, resourceVersion: rv },
      {
        onSuccess: (answer) => {
          const after = virtualServiceAfter(answer.changes);
          setBase(after);
          setAppliedNote('Applied. The history below can undo it.');
        },
      },
    );
  const set = (key: keyof RoutePolicyFields) => (value: string) => {
    setAppliedNote(null);
    setFields((f) => ({ ...f, [key]: value }));
  };
  const issueFor = (field: string) => issues.find((i) => i.field === field)?.message;
  const titleId = useId();

  return (
    <section className="shift-form" aria-labelledby={titleId}>
      <header>
        <h2 id={titleId} className="shift-form__title">
          Timeouts, retries and faults
        </h2>
        <p className="muted small">
          Applies to requests that reach {service} through its default route. Leave a field empty for none.
        </p>
      </header>
      {refusal ? (
        <p className="note note--warning" role="note">
          {refusal}
        </p>
      ) : null}
      <div className="policy-grid">
        {GROUPS.map((group) => (
          <fieldset key={group.title} className="policy-group">
            <legend>{group.title}</legend>
            {group.fields.map((f) => (
              <Field
                key={f.key}
                label={f.label}
                hint={f.hint}
                value={fields[f.key]}
                onChange={set(f.key)}
                disabled={disabled}
                error={issueFor(f.path)}
              />
            ))}
          </fieldset>
        ))}
      </div>

      {conflict ? (
        <ConflictNotice
          label={`VirtualService ${namespace}/${base?.metadata.name ?? service}`}
          base={base}
          current={conflict.current}
          disabled={disabled}
          onReapply={() => {
            setBase(conflict.current);
            handleApply(conflict.current?.metadata.resourceVersion);
          }}
        />
      ) : null}
      <ErrorNotice error={otherError} />
      {!conflict && !unchanged && issues.length === 0 && canEdit ? (
        <div>
          <h3 className="panel-section__title">What will change</h3>
          {preview.data ? (
            <DiffView diff={preview.data.diff} label="What will change (policy)" />
          ) : (
            <p className="muted small">Preparing the preview…</p>
          )}
        </div>
      ) : null}
      {appliedNote ? (
        <p className="note note--success" role="status">
          {appliedNote}
        </p>
      ) : null}
      <FormActions
        applyLabel="Apply policy"
        pending={change.isPending}
        applyDisabled={disabled || issues.length > 0 || unchanged || conflict !== undefined}
        resetDisabled={disabled || unchanged}
        onApply={() => handleApply()}
        onReset={() => {
          setFields(current);
          change.reset();
        }}
      />
    </section>
  );
}

function Field({
  label,
  hint,
  value,
  onChange,
  disabled,
  error,
}: {
  label: string;
  hint: string;
  value: string;
  onChange: (value: string) => void;
  disabled: boolean;
  error?: string;
}) {
  const id = useId();
  return (
    <div className="policy-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        placeholder={hint}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error ? <div className="field-error">{error}</div> : null}
    </div>
  );
}
