import { useId, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { KubeObjectJson, ObjectChange, PolicyIssue } from '@sextant/shared';
import {
  istioObjectQuery,
  serviceQuery,
  useRoutingChange,
  useRoutingPreview,
  type RoutingChangeKind,
} from '../api/routing';
import {
  ChangePreview,
  ConflictNotice,
  ErrorNotice,
  FormActions,
  routingErrors,
  useEditPermission,
} from './formSafety';
import './forms.css';

/** One input of a policy form; with `options` it is a select whose empty choice means "not set". */
export interface PolicyFieldSpec<F> {
  key: keyof F & string;
  label: string;
  hint: string;
  /** The policy path `validate` names, e.g. `retries.attempts`. */
  path: string;
  options?: readonly string[];
}

/** Everything that differs between the policy forms; the validate → preview → apply path is shared. */
export interface PolicyFormSpec<F extends { [K in keyof F]: string }, P> {
  kind: RoutingChangeKind;
  title: string;
  description: string;
  /** The object the policy lives in. */
  resource: ObjectChange['resource'];
  refKind: 'VirtualService' | 'DestinationRule';
  groups: { title: string; fields: PolicyFieldSpec<F>[] }[];
  /** The fields as the object (null: none yet) has them now. */
  read: (object: KubeObjectJson | null, service: string, namespace: string) => F;
  toPolicy: (fields: F) => P;
  validate: (policy: P) => PolicyIssue[];
  applyLabel: string;
}

/** A policy form for one service: loads the object the policy lives in, then edits it. */
export function PolicyForm<F extends { [K in keyof F]: string }, P>({
  spec,
  namespace,
  service,
}: {
  spec: PolicyFormSpec<F, P>;
  namespace: string;
  service: string;
}) {
  const svc = useQuery(serviceQuery(namespace, service));
  const ref = svc.data?.istioConfig.find((r) => r.kind === spec.refKind && r.namespace === namespace);
  const object = useQuery(istioObjectQuery(namespace, spec.resource, ref?.name));
  if (!svc.data || (ref && !object.data && !object.isError)) return null;
  return (
    <PolicyEditor
      key={object.data?.object.metadata.name ?? 'none'}
      spec={spec}
      namespace={namespace}
      service={service}
      initial={object.data?.object ?? null}
    />
  );
}

function PolicyEditor<F extends { [K in keyof F]: string }, P>({
  spec,
  namespace,
  service,
  initial,
}: {
  spec: PolicyFormSpec<F, P>;
  namespace: string;
  service: string;
  initial: KubeObjectJson | null;
}) {
  const [base, setBase] = useState(initial);
  const current = useMemo(() => spec.read(base, service, namespace), [spec, base, service, namespace]);
  const [fields, setFields] = useState<F>(current);
  const [appliedNote, setAppliedNote] = useState<string | null>(null);
  const { canEdit, refusal } = useEditPermission(namespace);

  const policy = spec.toPolicy(fields);
  const issues = spec.validate(policy);
  const unchanged = JSON.stringify(policy) === JSON.stringify(spec.toPolicy(current));
  const resourceVersion = base?.metadata.resourceVersion;
  const preview = useRoutingPreview(
    spec.kind,
    namespace,
    service,
    { policy, resourceVersion },
    canEdit && issues.length === 0 && !unchanged,
  );
  const change = useRoutingChange<{ policy: P; resourceVersion?: string }>(spec.kind, namespace, service);
  const { conflict, otherError } = routingErrors(change.error, preview);
  const disabled = !canEdit || change.isPending;

  const handleApply = (rv = resourceVersion) =>
    change.mutate(
      { policy, resourceVersion: rv },
      {
        onSuccess: (answer) => {
          setBase(answer.changes.find((c) => c.resource === spec.resource)?.after ?? null);
          setAppliedNote('Applied. The history below can undo it.');
        },
      },
    );
  const set = (key: keyof F & string, value: string) => {
    setAppliedNote(null);
    setFields((f) => ({ ...f, [key]: value }));
  };
  const titleId = useId();

  return (
    <section className="shift-form" aria-labelledby={titleId}>
      <header>
        <h2 id={titleId} className="shift-form__title">
          {spec.title}
        </h2>
        <p className="muted small">{spec.description}</p>
      </header>
      {refusal ? (
        <p className="note note--warning" role="note">
          {refusal}
        </p>
      ) : null}
      <div className="policy-grid">
        {spec.groups.map((group) => (
          <fieldset key={group.title} className="policy-group">
            <legend>{group.title}</legend>
            {group.fields.map((f) => (
              <Field
                key={f.key}
                spec={f}
                value={fields[f.key] ?? ''}
                onChange={(v) => set(f.key, v)}
                disabled={disabled}
                error={issues.find((i) => i.field === f.path)?.message}
              />
            ))}
          </fieldset>
        ))}
      </div>

      {conflict ? (
        <ConflictNotice
          label={`${spec.refKind} ${namespace}/${base?.metadata.name ?? service}`}
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
        <ChangePreview diff={preview.data?.diff} label={`What will change (${spec.title})`} />
      ) : null}
      {appliedNote ? (
        <p className="note note--success" role="status">
          {appliedNote}
        </p>
      ) : null}
      <FormActions
        applyLabel={spec.applyLabel}
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

function Field<F>({
  spec,
  value,
  onChange,
  disabled,
  error,
}: {
  spec: PolicyFieldSpec<F>;
  value: string;
  onChange: (value: string) => void;
  disabled: boolean;
  error?: string;
}) {
  const id = useId();
  return (
    <div className="policy-field">
      <label htmlFor={id}>{spec.label}</label>
      {spec.options ? (
        <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
          <option value="">Not set</option>
          {spec.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          value={value}
          placeholder={spec.hint}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {error ? <div className="field-error">{error}</div> : null}
    </div>
  );
}
