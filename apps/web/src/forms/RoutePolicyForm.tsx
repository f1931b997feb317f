import { useId, useMemo, useState, type ReactNode } from 'react';
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
        <PolicyGroup title="Timeout">
          <Field
            label="Request timeout"
            hint="e.g. 2s"
            value={fields.timeout}
            onChange={set('timeout')}
            disabled={disabled}
            error={issueFor('timeout')}
          />
        </PolicyGroup>
        <PolicyGroup title="Retries">
          <Field
            label="Attempts"
            hint="e.g. 3"
            value={fields.retryAttempts}
            onChange={set('retryAttempts')}
            disabled={disabled}
            error={issueFor('retries.attempts')}
          />
          <Field
            label="Per-try timeout"
            hint="e.g. 500ms"
            value={fields.perTryTimeout}
            onChange={set('perTryTimeout')}
            disabled={disabled}
            error={issueFor('retries.perTryTimeout')}
          />
          <Field
            label="Retry on"
            hint="e.g. 5xx,reset"
            value={fields.retryOn}
            onChange={set('retryOn')}
            disabled={disabled}
            error={issueFor('retries.retryOn')}
          />
        </PolicyGroup>
        <PolicyGroup title="Inject a delay">
          <Field
            label="Delay"
            hint="e.g. 2s"
            value={fields.fixedDelay}
            onChange={set('fixedDelay')}
            disabled={disabled}
            error={issueFor('fault.delay.fixedDelay')}
          />
          <Field
            label="Delay for % of requests"
            hint="100"
            value={fields.delayPercent}
            onChange={set('delayPercent')}
            disabled={disabled}
            error={issueFor('fault.delay.percent')}
          />
        </PolicyGroup>
        <PolicyGroup title="Inject an error">
          <Field
            label="HTTP status"
            hint="e.g. 503"
            value={fields.abortStatus}
            onChange={set('abortStatus')}
            disabled={disabled}
            error={issueFor('fault.abort.httpStatus')}
          />
          <Field
            label="Error for % of requests"
            hint="100"
            value={fields.abortPercent}
            onChange={set('abortPercent')}
            disabled={disabled}
            error={issueFor('fault.abort.percent')}
          />
        </PolicyGroup>
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
      <div className="shift-form__actions">
        <button
          type="button"
          className="button button--primary"
          disabled={disabled || issues.length > 0 || unchanged || conflict !== undefined}
          onClick={() => handleApply()}
        >
          {change.isPending ? 'Applying…' : 'Apply policy'}
        </button>
        <button
          type="button"
          className="button"
          disabled={disabled || unchanged}
          onClick={() => {
            setFields(current);
            change.reset();
          }}
        >
          Reset
        </button>
      </div>
    </section>
  );
}

function PolicyGroup({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="policy-group">
      <legend>{title}</legend>
      {children}
    </fieldset>
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
