import { useId, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  PRESETS,
  applyPreset,
  asIstioObject,
  configuredWeights,
  rebalance,
  validateWeights,
  type KubeObjectJson,
  type TrafficShiftResponse,
  type Weights,
} from '@sextant/shared';
import { useGraph } from '../api';
import {
  istioObjectQuery,
  serviceQuery,
  useRollback,
  useRoutingChange,
  useRoutingPreview,
  workloadsQuery,
} from '../api/routing';
import {
  ChangePreview,
  ConflictNotice,
  ErrorNotice,
  FormActions,
  routingErrors,
  useEditPermission,
  virtualServiceAfter,
} from './formSafety';
import {
  initialWeights,
  observedSplit,
  sameWeights,
  subsetOptions,
  type SubsetOption,
} from './trafficShiftModel';
import './forms.css';

export interface TrafficShiftFormProps {
  namespace: string;
  service: string;
}

/** The VirtualService the form was built on; null when the service has none yet. */
interface Base {
  object: KubeObjectJson | null;
}

const OBSERVED_REFRESH_MS = 10_000;

/**
 * Canary weights for one service: a row per subset (slider, number, lock), presets, the observed
 * split beside the configured one, the exact YAML diff from a dry run, and Apply with the
 * resourceVersion the form was built on. Loads its data itself so it can sit on any page.
 */
export function TrafficShiftForm({ namespace, service }: TrafficShiftFormProps) {
  const svc = useQuery(serviceQuery(namespace, service));
  const workloads = useQuery(workloadsQuery(namespace));
  const vsRef = svc.data?.istioConfig.find((r) => r.kind === 'VirtualService' && r.namespace === namespace);
  const vs = useQuery(istioObjectQuery(namespace, 'virtualservices', vsRef?.name));

  if (svc.isError) return <FormMessage error={svc.error} />;
  if (!svc.data || !workloads.data || (vsRef && !vs.data && !vs.isError)) {
    return <p className="muted small">Loading the routing of {service}…</p>;
  }
  if (vs.isError) return <FormMessage error={vs.error} />;
  const subsets = subsetOptions(svc.data, workloads.data.workloads);
  if (subsets.length === 0) {
    return (
      <p className="note">
        {service} has no subsets to split between: no DestinationRule defines any, and its workloads carry no{' '}
        <code>version</code> label.
      </p>
    );
  }
  return (
    <ShiftEditor
      // A new VirtualService (someone else created it) starts the form afresh.
      key={vs.data?.object.metadata.name ?? 'none'}
      namespace={namespace}
      service={service}
      subsets={subsets}
      initial={{ object: vs.data?.object ?? null }}
    />
  );
}

function FormMessage({ error }: { error: unknown }) {
  return (
    <p className="note note--warning" role="alert">
      {error instanceof Error ? error.message : 'The routing of this service could not be loaded.'}
    </p>
  );
}

function ShiftEditor({
  namespace,
  service,
  subsets,
  initial,
}: {
  namespace: string;
  service: string;
  subsets: SubsetOption[];
  initial: Base;
}) {
  const names = useMemo(() => subsets.map((s) => s.name), [subsets]);
  const [base, setBase] = useState<Base>(initial);
  const configured = useMemo(
    () => configuredWeights(asIstioObject('VirtualService', base.object), service, namespace),
    [base.object, service, namespace],
  );
  const [weights, setWeights] = useState<Weights>(() => initialWeights(configured, names));
  const [locks, setLocks] = useState<ReadonlySet<string>>(new Set());
  const [applied, setApplied] = useState<TrafficShiftResponse | null>(null);
  const [undone, setUndone] = useState(false);

  const { canEdit, refusal } = useEditPermission(namespace);

  const graph = useGraph(
    {
      namespaces: [namespace],
      graphType: 'versionedApp',
      duration: '60s',
      idleNodes: false,
      injectServiceNodes: true,
    },
    OBSERVED_REFRESH_MS,
  );
  const observed = observedSplit(graph.data, namespace, service, subsets);

  const issues = validateWeights(weights, names);
  const resourceVersion = base.object?.metadata.resourceVersion;
  const current = configured ?? {};
  const unchanged = configured !== undefined && sameWeights(weights, current);
  const preview = useRoutingPreview(
    'traffic-shift',
    namespace,
    service,
    { weights, resourceVersion },
    canEdit && issues.length === 0 && !unchanged,
  );
  const shift = useRoutingChange<{ weights: Weights; resourceVersion?: string }>(
    'traffic-shift',
    namespace,
    service,
  );
  const rollback = useRollback();

  const { conflict, otherError } = routingErrors(shift.error, preview);

  const handleChange = (name: string, value: number) => {
    setApplied(null);
    setWeights((w) => rebalance(w, name, value, locks));
  };
  const handleLock = (name: string) =>
    setLocks((l) => {
      const next = new Set(l);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  const handlePreset = (id: (typeof PRESETS)[number]['id']) => {
    setApplied(null);
    setLocks(new Set());
    setWeights(applyPreset(id, names));
  };
  const handleApply = (rv = resourceVersion) => {
    setUndone(false);
    shift.mutate(
      { weights, resourceVersion: rv },
      {
        onSuccess: (answer) => {
          setApplied(answer);
          setBase({ object: virtualServiceAfter(answer.changes) });
        },
      },
    );
  };
  const handleReapply = () => {
    if (!conflict?.current) return;
    setBase({ object: conflict.current });
    handleApply(conflict.current.metadata.resourceVersion);
  };
  const handleUndo = () => {
    if (!applied?.historyId) return;
    rollback.mutate(applied.historyId, {
      onSuccess: (answer) => {
        const restored = virtualServiceAfter(answer.entry.changes);
        setBase({ object: restored });
        setWeights(
          initialWeights(
            configuredWeights(asIstioObject('VirtualService', restored), service, namespace),
            names,
          ),
        );
        setApplied(null);
        setUndone(true);
      },
    });
  };

  const disabled = !canEdit || shift.isPending;
  const sum = Object.values(weights).reduce((s, w) => s + (Number.isFinite(w) ? w : 0), 0);
  const titleId = useId();

  return (
    <section className="shift-form" aria-labelledby={titleId}>
      <header className="shift-form__header">
        <h2 id={titleId} className="shift-form__title">
          Traffic shifting
        </h2>
        <p className="muted small">
          How requests to <strong>{service}</strong> are split between its versions. Nothing changes in the
          cluster until you press Apply.
        </p>
      </header>

      {refusal ? (
        <p className="note note--warning" role="note" data-testid="shift-permission">
          {refusal}
        </p>
      ) : null}

      <div className="shift-form__presets" role="group" aria-label="Presets">
        {PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            className="button"
            disabled={disabled}
            onClick={() => handlePreset(p.id)}
          >
            {p.label}
          </button>
        ))}
      </div>

      <table className="shift-table">
        <thead>
          <tr>
            <th scope="col">Subset</th>
            <th scope="col">New weight</th>
            <th scope="col" className="num">
              Configured
            </th>
            <th scope="col" className="num">
              Observed
            </th>
            <th scope="col">
              <span className="visually-hidden">Lock</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {subsets.map((s) => {
            const w = weights[s.name] ?? 0;
            const locked = locks.has(s.name);
            const rowIssue = issues.find((i) => i.field === `weights.${s.name}`);
            return (
              <tr
                key={s.name}
                className={w !== (current[s.name] ?? 0) ? 'shift-table__row--changed' : undefined}
              >
                <th scope="row">
                  <span className="shift-table__subset">{s.name}</span>
                  {s.derived ? <span className="chip chip--small">new subset</span> : null}
                  <div className="muted small">
                    {Object.entries(s.labels)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(', ')}
                  </div>
                </th>
                <td>
                  <div className="shift-table__weight">
                    <input
                      type="range"
                      min={0}
                      max={100}
                      step={1}
                      value={w}
                      disabled={disabled || locked}
                      aria-label={`Weight slider for ${s.name}`}
                      onChange={(e) => handleChange(s.name, Number(e.target.value))}
                    />
                    <input
                      type="number"
                      min={0}
                      max={100}
                      step={1}
                      value={Number.isFinite(w) ? w : ''}
                      disabled={disabled || locked}
                      aria-label={`Weight for ${s.name}`}
                      aria-invalid={rowIssue ? true : undefined}
                      className="shift-table__number"
                      onChange={(e) =>
                        handleChange(s.name, e.target.value === '' ? 0 : Number(e.target.value))
                      }
                    />
                    <span aria-hidden="true">%</span>
                  </div>
                  {rowIssue ? <div className="field-error">{rowIssue.message}</div> : null}
                </td>
                <td className="num">{configured ? `${current[s.name] ?? 0}%` : '–'}</td>
                <td className="num" data-testid={`observed-${s.name}`}>
                  {observed ? `${Math.round(observed[s.name] ?? 0)}%` : '–'}
                </td>
                <td>
                  <button
                    type="button"
                    className="lock-button"
                    aria-pressed={locked}
                    aria-label={`${locked ? 'Unlock' : 'Lock'} ${s.name}`}
                    title={locked ? 'Locked: other rows absorb changes' : 'Lock this weight'}
                    disabled={disabled}
                    onClick={() => handleLock(s.name)}
                  >
                    <LockIcon locked={locked} />
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td className={sum === 100 ? 'shift-table__total' : 'shift-table__total field-error'}>{sum}%</td>
            <td colSpan={3} className="muted small">
              {observed
                ? 'Observed: share of requests in the last minute.'
                : 'No traffic observed in the last minute.'}
            </td>
          </tr>
        </tfoot>
      </table>
      {issues
        .filter((i) => i.field === 'weights')
        .map((i) => (
          <p key={i.code} className="field-error">
            {i.message}
          </p>
        ))}

      {conflict ? (
        <ConflictNotice
          label={`VirtualService ${namespace}/${base.object?.metadata.name ?? service}`}
          base={base.object}
          current={conflict.current}
          disabled={disabled}
          onReapply={handleReapply}
        />
      ) : null}
      <ErrorNotice error={otherError} />

      {!conflict && !applied && !unchanged && issues.length === 0 && canEdit ? (
        <ChangePreview diff={preview.data?.diff} label="What will change" className="shift-form__preview" />
      ) : null}

      {applied ? (
        <div className="note note--success" role="status">
          Applied:{' '}
          {Object.entries(weights)
            .map(([k, v]) => `${k} ${v}%`)
            .join(', ')}
          . The graph shows the new weights now; the observed split follows within a minute.{' '}
          <button type="button" className="link-button" disabled={rollback.isPending} onClick={handleUndo}>
            Undo this change
          </button>
        </div>
      ) : null}
      {undone ? (
        <p className="note" role="status">
          Undone: the previous weights are back.
        </p>
      ) : null}
      {rollback.error ? (
        <p className="note note--warning" role="alert">
          {rollback.error.message}
        </p>
      ) : null}

      <FormActions
        applyLabel="Apply"
        pending={shift.isPending}
        applyDisabled={disabled || issues.length > 0 || unchanged || conflict !== undefined}
        resetDisabled={disabled || unchanged}
        onApply={() => handleApply()}
        onReset={() => {
          setWeights(initialWeights(configured, names));
          setLocks(new Set());
          shift.reset();
        }}
      >
        {unchanged && !applied ? <span className="muted small">Matches the configured weights.</span> : null}
      </FormActions>
    </section>
  );
}

function LockIcon({ locked }: { locked: boolean }) {
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true">
      <rect x="3" y="7" width="10" height="7" rx="1.5" />
      <path d={locked ? 'M5.5 7V5a2.5 2.5 0 0 1 5 0v2' : 'M5.5 7V5a2.5 2.5 0 0 1 4.9-.7'} />
    </svg>
  );
}
