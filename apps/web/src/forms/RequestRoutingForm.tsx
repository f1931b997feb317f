import { useId, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  asIstioObject,
  validateRequestRouting,
  type KubeObjectJson,
  type RequestRule,
} from '@sextant/shared';
import { istioObjectQuery, serviceQuery, useRoutingChange, useRoutingPreview } from '../api/routing';
import {
  ChangePreview,
  ConflictNotice,
  ErrorNotice,
  FormActions,
  routingErrors,
  useEditPermission,
} from './formSafety';
import {
  emptyRule,
  MATCH_KINDS,
  moveRow,
  rowFromRule,
  ruleFromRow,
  rulesFromVirtualService,
  type MatchKind,
  type MatchRow,
  type RuleRow,
} from './requestRoutingModel';
import './forms.css';
import './requestRouting.css';

const TITLE = 'Request routing';

const subsetsOf = (dr: KubeObjectJson | undefined): string[] =>
  (asIstioObject('DestinationRule', dr)?.spec?.subsets ?? []).map((s) => s.name);

/**
 * Ordered rules (header, URI, method matches) that send matching requests to a subset or a
 * weighted set; the service's default route stays last. Same validate → preview → apply path.
 */
export function RequestRoutingForm({ namespace, service }: { namespace: string; service: string }) {
  const svc = useQuery(serviceQuery(namespace, service));
  const vsRef = svc.data?.istioConfig.find((r) => r.kind === 'VirtualService' && r.namespace === namespace);
  const drRef = svc.data?.istioConfig.find((r) => r.kind === 'DestinationRule' && r.namespace === namespace);
  const vs = useQuery(istioObjectQuery(namespace, 'virtualservices', vsRef?.name));
  const dr = useQuery(istioObjectQuery(namespace, 'destinationrules', drRef?.name));
  if (!svc.data || (vsRef && !vs.data && !vs.isError)) return null;
  return (
    <RequestRoutingEditor
      key={vs.data?.object.metadata.name ?? 'none'}
      namespace={namespace}
      service={service}
      initial={vs.data?.object ?? null}
      subsets={subsetsOf(dr.data?.object)}
    />
  );
}

function RequestRoutingEditor({
  namespace,
  service,
  initial,
  subsets,
}: {
  namespace: string;
  service: string;
  initial: KubeObjectJson | null;
  subsets: string[];
}) {
  const [base, setBase] = useState(initial);
  const current = useMemo(
    () => rulesFromVirtualService(base, service, namespace),
    [base, service, namespace],
  );
  const [rows, setRows] = useState<RuleRow[]>(() => current.rules.map(rowFromRule));
  const [appliedNote, setAppliedNote] = useState<string | null>(null);
  const { canEdit, refusal } = useEditPermission(namespace);

  const rules: RequestRule[] = rows.map(ruleFromRow);
  const issues = validateRequestRouting(rules, subsets.length > 0 ? subsets : undefined);
  const unchanged = current.unreadable === 0 && JSON.stringify(rules) === JSON.stringify(current.rules);
  const resourceVersion = base?.metadata.resourceVersion;
  const preview = useRoutingPreview(
    'request-routing',
    namespace,
    service,
    { rules, resourceVersion },
    canEdit && issues.length === 0 && !unchanged,
  );
  const change = useRoutingChange<{ rules: RequestRule[]; resourceVersion?: string }>(
    'request-routing',
    namespace,
    service,
  );
  const { conflict, otherError } = routingErrors(change.error, preview);
  const disabled = !canEdit || change.isPending;

  const handleApply = (rv = resourceVersion) =>
    change.mutate(
      { rules, resourceVersion: rv },
      {
        onSuccess: (answer) => {
          setBase(answer.changes.find((c) => c.resource === 'virtualservices')?.after ?? null);
          setAppliedNote('Applied. The history below can undo it.');
        },
      },
    );
  const edit = (next: RuleRow[]) => {
    setAppliedNote(null);
    setRows(next);
  };
  const editRow = (i: number, patch: Partial<RuleRow>) =>
    edit(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const titleId = useId();

  return (
    <section className="shift-form" aria-labelledby={titleId}>
      <header>
        <h2 id={titleId} className="shift-form__title">
          {TITLE}
        </h2>
        <p className="muted small">
          Rules are tried in order; a request that matches none takes the default route (its weights and
          policy stay as they are).
        </p>
      </header>
      {refusal ? (
        <p className="note note--warning" role="note">
          {refusal}
        </p>
      ) : null}
      {current.unreadable > 0 ? (
        <p className="note note--warning">
          {current.unreadable} match route(s) of this service cannot be shown here; applying replaces them
          with the rules below.
        </p>
      ) : null}
      <ol className="rr-rules">
        {rows.map((row, i) => (
          <RuleEditor
            key={i}
            index={i}
            count={rows.length}
            row={row}
            subsets={subsets}
            disabled={disabled}
            errors={issues.filter((x) => x.field.startsWith(`rules[${i}]`)).map((x) => x.message)}
            onChange={(patch) => editRow(i, patch)}
            onMove={(by) => edit(moveRow(rows, i, by))}
            onRemove={() => edit(rows.filter((_, j) => j !== i))}
          />
        ))}
      </ol>
      {rows.length === 0 ? (
        <p className="muted small">No rules: every request takes the default route.</p>
      ) : null}
      <div>
        <button
          type="button"
          className="button"
          disabled={disabled}
          onClick={() => edit([...rows, emptyRule(subsets[0])])}
        >
          Add rule
        </button>
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
        <ChangePreview diff={preview.data?.diff} label={`What will change (${TITLE})`} />
      ) : null}
      {appliedNote ? (
        <p className="note note--success" role="status">
          {appliedNote}
        </p>
      ) : null}
      <FormActions
        applyLabel="Apply rules"
        pending={change.isPending}
        applyDisabled={disabled || issues.length > 0 || unchanged || conflict !== undefined}
        resetDisabled={disabled || unchanged}
        onApply={() => handleApply()}
        onReset={() => {
          setRows(current.rules.map(rowFromRule));
          change.reset();
        }}
      />
    </section>
  );
}

function RuleEditor({
  index,
  count,
  row,
  subsets,
  disabled,
  errors,
  onChange,
  onMove,
  onRemove,
}: {
  index: number;
  count: number;
  row: RuleRow;
  subsets: string[];
  disabled: boolean;
  errors: string[];
  onChange: (patch: Partial<RuleRow>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  const setHeader = (h: number, patch: Partial<RuleRow['headers'][number]>) =>
    onChange({ headers: row.headers.map((x, j) => (j === h ? { ...x, ...patch } : x)) });
  return (
    <li className="rr-rule" aria-label={`Rule ${n}`}>
      <div className="rr-rule__head">
        <strong>Rule {n}</strong>
        <span className="rr-rule__tools">
          <button
            type="button"
            className="button"
            disabled={disabled || index === 0}
            onClick={() => onMove(-1)}
            aria-label={`Move rule ${n} up`}
          >
            ↑
          </button>
          <button
            type="button"
            className="button"
            disabled={disabled || index === count - 1}
            onClick={() => onMove(1)}
            aria-label={`Move rule ${n} down`}
          >
            ↓
          </button>
          <button
            type="button"
            className="button"
            disabled={disabled}
            onClick={onRemove}
            aria-label={`Remove rule ${n}`}
          >
            Remove
          </button>
        </span>
      </div>
      {row.headers.map((h, j) => (
        <div className="rr-line" key={j}>
          <span className="rr-line__label">Header</span>
          <input
            aria-label={`Rule ${n} header name`}
            value={h.name}
            placeholder="end-user"
            disabled={disabled}
            onChange={(e) => setHeader(j, { name: e.target.value })}
          />
          <KindSelect
            label={`Rule ${n} header match`}
            value={h.kind}
            disabled={disabled}
            onChange={(kind) => setHeader(j, { kind })}
          />
          <input
            aria-label={`Rule ${n} header value`}
            value={h.value}
            placeholder="jason"
            disabled={disabled}
            onChange={(e) => setHeader(j, { value: e.target.value })}
          />
          <button
            type="button"
            className="button"
            disabled={disabled}
            aria-label={`Remove header from rule ${n}`}
            onClick={() => onChange({ headers: row.headers.filter((_, k) => k !== j) })}
          >
            ×
          </button>
        </div>
      ))}
      <MatchLine
        label="URI"
        n={n}
        row={row.uri}
        placeholder="/api"
        disabled={disabled}
        onChange={(uri) => onChange({ uri })}
      />
      <MatchLine
        label="Method"
        n={n}
        row={row.method}
        placeholder="GET"
        disabled={disabled}
        onChange={(method) => onChange({ method })}
      />
      <div className="rr-line">
        <button
          type="button"
          className="button"
          disabled={disabled}
          onClick={() => onChange({ headers: [...row.headers, { name: '', kind: 'exact', value: '' }] })}
        >
          Add header
        </button>
      </div>
      <div className="rr-line">
        <span className="rr-line__label">Send to</span>
        <select
          aria-label={`Rule ${n} destination`}
          value={row.mode}
          disabled={disabled}
          onChange={(e) => onChange({ mode: e.target.value === 'weights' ? 'weights' : 'subset' })}
        >
          <option value="subset">one subset</option>
          <option value="weights">weighted subsets</option>
        </select>
        {row.mode === 'subset' ? (
          subsets.length > 0 ? (
            <select
              aria-label={`Rule ${n} subset`}
              value={row.subset}
              disabled={disabled}
              onChange={(e) => onChange({ subset: e.target.value })}
            >
              {subsets.includes(row.subset) ? null : (
                <option value={row.subset}>{row.subset || 'choose…'}</option>
              )}
              {subsets.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          ) : (
            <input
              aria-label={`Rule ${n} subset`}
              value={row.subset}
              placeholder="v2"
              disabled={disabled}
              onChange={(e) => onChange({ subset: e.target.value })}
            />
          )
        ) : (
          <input
            aria-label={`Rule ${n} weights`}
            value={row.weights}
            placeholder="v1=50, v3=50"
            disabled={disabled}
            onChange={(e) => onChange({ weights: e.target.value })}
          />
        )}
      </div>
      {errors.map((m) => (
        <div key={m} className="field-error">
          {m}
        </div>
      ))}
    </li>
  );
}

function MatchLine({
  label,
  n,
  row,
  placeholder,
  disabled,
  onChange,
}: {
  label: string;
  n: number;
  row: MatchRow;
  placeholder: string;
  disabled: boolean;
  onChange: (row: MatchRow) => void;
}) {
  return (
    <div className="rr-line">
      <span className="rr-line__label">{label}</span>
      <KindSelect
        label={`Rule ${n} ${label} match`}
        value={row.kind}
        disabled={disabled}
        onChange={(kind) => onChange({ ...row, kind })}
      />
      <input
        aria-label={`Rule ${n} ${label}`}
        value={row.value}
        placeholder={`${placeholder} (any when empty)`}
        disabled={disabled}
        onChange={(e) => onChange({ ...row, value: e.target.value })}
      />
    </div>
  );
}

function KindSelect({
  label,
  value,
  disabled,
  onChange,
}: {
  label: string;
  value: MatchKind;
  disabled: boolean;
  onChange: (kind: MatchKind) => void;
}) {
  return (
    <select
      aria-label={label}
      value={value}
      disabled={disabled}
      onChange={(e) => onChange(MATCH_KINDS.find((k) => k === e.target.value) ?? 'exact')}
    >
      {MATCH_KINDS.map((k) => (
        <option key={k} value={k}>
          {k}
        </option>
      ))}
    </select>
  );
}
