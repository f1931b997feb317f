import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  asIstioObject,
  MTLS_MODES,
  peerAuthenticationName,
  validatePeerAuthentication,
  type KubeObjectJson,
  type MtlsMode,
  type PeerAuthenticationRequest,
} from '@sextant/shared';
import {
  istioObjectOrNullQuery,
  serviceQuery,
  usePeerAuthenticationChange,
  usePeerAuthenticationPreview,
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
import './requestRouting.css';

const TITLE = 'mTLS for this workload or namespace';

const modeOf = (pa: KubeObjectJson | null): MtlsMode | '' => {
  const mode = asIstioObject('PeerAuthentication', pa)?.spec?.mtls?.mode;
  return MTLS_MODES.find((m) => m === mode) ?? '';
};

/**
 * The PeerAuthentication mode for the namespace, or for the workloads behind this service (its
 * selector); creates or updates the PeerAuthentication on the same preview → apply path.
 */
export function PeerAuthenticationForm({ namespace, service }: { namespace: string; service: string }) {
  const svc = useQuery(serviceQuery(namespace, service));
  const [scope, setScope] = useState<'namespace' | 'workload'>('namespace');
  const labels = svc.data?.selector ?? {};
  const canSelect = Object.keys(labels).length > 0;
  const request = scope === 'workload' && canSelect ? { workload: { labels } } : {};
  const name = peerAuthenticationName(request);
  const pa = useQuery(istioObjectOrNullQuery(namespace, 'peerauthentications', name));
  const titleId = useId();
  if (!svc.data) return null;
  return (
    <section className="shift-form" aria-labelledby={titleId}>
      <header>
        <h2 id={titleId} className="shift-form__title">
          {TITLE}
        </h2>
        <p className="muted small">
          Whether sidecars accept plain-text traffic. Sets the PeerAuthentication <code>{name}</code> in{' '}
          {namespace}.
        </p>
      </header>
      <div className="rr-line">
        <span className="rr-line__label">Applies to</span>
        <select
          aria-label="mTLS scope"
          value={scope}
          onChange={(e) => setScope(e.target.value === 'workload' ? 'workload' : 'namespace')}
        >
          <option value="namespace">the whole namespace {namespace}</option>
          {canSelect ? (
            <option value="workload">
              workloads of {service} (
              {Object.entries(labels)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')}
              )
            </option>
          ) : null}
        </select>
      </div>
      {pa.data !== undefined ? (
        <PeerAuthenticationEditor
          key={name}
          namespace={namespace}
          request={request}
          initial={pa.data?.object ?? null}
        />
      ) : pa.isError ? (
        <ErrorNotice error={pa.error} />
      ) : (
        <p className="muted small">Loading…</p>
      )}
    </section>
  );
}

function PeerAuthenticationEditor({
  namespace,
  request,
  initial,
}: {
  namespace: string;
  request: Pick<PeerAuthenticationRequest, 'workload'>;
  initial: KubeObjectJson | null;
}) {
  const [base, setBase] = useState(initial);
  const current = modeOf(base);
  const [mode, setMode] = useState<MtlsMode | ''>(current);
  const [appliedNote, setAppliedNote] = useState<string | null>(null);
  const { canEdit, refusal } = useEditPermission(namespace);
  const resourceVersion = base?.metadata.resourceVersion;
  const body: PeerAuthenticationRequest | undefined =
    mode === '' ? undefined : { mode, ...request, resourceVersion };
  const issues = body ? validatePeerAuthentication(body) : [];
  const unchanged = mode === current;
  const preview = usePeerAuthenticationPreview(
    namespace,
    body ?? {},
    canEdit && body !== undefined && issues.length === 0 && !unchanged,
  );
  const change = usePeerAuthenticationChange<PeerAuthenticationRequest>(namespace);
  const { conflict, otherError } = routingErrors(change.error, preview);
  const disabled = !canEdit || change.isPending;
  const handleApply = (rv = resourceVersion) => {
    if (!body) return;
    change.mutate(
      { ...body, resourceVersion: rv },
      {
        onSuccess: (answer) => {
          setBase(answer.changes[0]?.after ?? null);
          setAppliedNote(`Applied and recorded in the change history of ${namespace}.`);
        },
      },
    );
  };
  return (
    <>
      {refusal ? (
        <p className="note note--warning" role="note">
          {refusal}
        </p>
      ) : null}
      <div className="rr-line">
        <span className="rr-line__label">Mode</span>
        <select
          aria-label="mTLS mode"
          value={mode}
          disabled={disabled}
          onChange={(e) => {
            setAppliedNote(null);
            setMode(MTLS_MODES.find((m) => m === e.target.value) ?? '');
          }}
        >
          {current === '' ? <option value="">Not set (inherited)</option> : null}
          {MTLS_MODES.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </div>
      {issues.map((i) => (
        <div key={i.field} className="field-error">
          {i.message}
        </div>
      ))}
      {conflict ? (
        <ConflictNotice
          label={`PeerAuthentication ${namespace}/${base?.metadata.name ?? ''}`}
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
      {!conflict && !unchanged && body && issues.length === 0 && canEdit ? (
        <ChangePreview diff={preview.data?.diff} label={`What will change (${TITLE})`} />
      ) : null}
      {appliedNote ? (
        <p className="note note--success" role="status">
          {appliedNote}
        </p>
      ) : null}
      <FormActions
        applyLabel="Apply mTLS mode"
        pending={change.isPending}
        applyDisabled={disabled || !body || issues.length > 0 || unchanged || conflict !== undefined}
        resetDisabled={disabled || unchanged}
        onApply={() => handleApply()}
        onReset={() => {
          setMode(current);
          change.reset();
        }}
      />
    </>
  );
}
