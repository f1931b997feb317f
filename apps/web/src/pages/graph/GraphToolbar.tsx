import type { ReactNode } from 'react';
import type { GraphType } from '@sextant/shared';
import type { NamespaceInfo, ServerEventsState } from '../../api';
import type { LayoutChoice } from '../../graph/layoutOptions';
import type { EdgeLabelMode } from '../../graph/toElements';
import { DURATIONS, EDGE_LABELS, GRAPH_TYPES, LAYOUTS, REFRESHES, type GraphParams } from './graphParams';
import { NamespacePicker } from './NamespacePicker';
import type { UpdateGraphParams } from './useGraphParams';

const GRAPH_TYPE_LABEL: Record<GraphType, string> = {
  app: 'App',
  versionedApp: 'Versioned app',
  workload: 'Workload',
  service: 'Service',
};
const LAYOUT_LABEL: Record<LayoutChoice, string> = {
  auto: 'Auto',
  hierarchical: 'Hierarchical (left to right)',
  force: 'Force-directed',
};
const EDGE_LABEL_LABEL: Record<EdgeLabelMode, string> = {
  none: 'None',
  rps: 'Request rate',
  percent: '% of requests',
  error: 'Error %',
  p95: 'Response time (p95)',
  throughput: 'Throughput (TCP bytes/s)',
};
const REFRESH_LABEL: Record<(typeof REFRESHES)[number], string> = {
  off: 'Off',
  '10s': 'Every 10s',
  '30s': 'Every 30s',
  '1m': 'Every minute',
};
const DURATION_LABEL: Record<(typeof DURATIONS)[number], string> = {
  '1m': 'Last 1 minute',
  '5m': 'Last 5 minutes',
  '10m': 'Last 10 minutes',
  '30m': 'Last 30 minutes',
  '1h': 'Last hour',
};

function Select<T extends string>(props: {
  label: string;
  value: T;
  options: readonly T[];
  labels: Record<T, string>;
  onChange: (value: T) => void;
}) {
  return (
    <label className="field">
      <span className="field__label">{props.label}</span>
      <select value={props.value} onChange={(event) => props.onChange(event.target.value as T)}>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {props.labels[option]}
          </option>
        ))}
      </select>
    </label>
  );
}

function Toggle({
  label,
  checked,
  onChange,
  title,
}: {
  label: ReactNode;
  checked: boolean;
  onChange: (v: boolean) => void;
  title?: string;
}) {
  return (
    <label className="toggle" title={title}>
      <input
        type="checkbox"
        role="switch"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
      />
      <span className="toggle__track" aria-hidden="true" />
      <span>{label}</span>
    </label>
  );
}

export interface GraphToolbarProps {
  params: GraphParams;
  update: UpdateGraphParams;
  namespaces: readonly NamespaceInfo[];
  namespacesLoading: boolean;
  events: ServerEventsState;
  fetching: boolean;
  onRefresh: () => void;
}

export function GraphToolbar({
  params,
  update,
  namespaces,
  namespacesLoading,
  events,
  fetching,
  onRefresh,
}: GraphToolbarProps) {
  return (
    <div className="toolbar" role="toolbar" aria-label="Graph settings">
      <div className="toolbar__row">
        <NamespacePicker
          available={namespaces}
          selected={params.namespaces}
          disabled={namespacesLoading}
          onChange={(next) => update({ namespaces: next, selected: null })}
        />
        <Select
          label="Graph type"
          value={params.graphType}
          options={GRAPH_TYPES}
          labels={GRAPH_TYPE_LABEL}
          onChange={(graphType) => update({ graphType, selected: null })}
        />
        <Select
          label="Window"
          value={params.duration}
          options={DURATIONS}
          labels={DURATION_LABEL}
          onChange={(duration) => update({ duration })}
        />
        <Select
          label="Layout"
          value={params.layout}
          options={LAYOUTS}
          labels={LAYOUT_LABEL}
          onChange={(layout) => update({ layout })}
        />
        <Select
          label="Edge labels"
          value={params.edgeLabels}
          options={EDGE_LABELS}
          labels={EDGE_LABEL_LABEL}
          onChange={(edgeLabels) => update({ edgeLabels })}
        />
        <div className="toolbar__spacer" />
        <Select
          label="Refresh"
          value={params.refresh}
          options={REFRESHES}
          labels={REFRESH_LABEL}
          onChange={(refresh) => update({ refresh })}
        />
        <button
          type="button"
          className="button"
          onClick={onRefresh}
          disabled={fetching}
          aria-label="Refresh now"
        >
          <span aria-hidden="true" className={fetching ? 'spin' : undefined}>
            ↻
          </span>
          <span>Refresh</span>
        </button>
      </div>
      <div className="toolbar__row toolbar__row--toggles">
        <span className="toolbar__group-label" id="display-label">
          Show
        </span>
        <div className="toolbar__toggles" role="group" aria-labelledby="display-label">
          <Toggle
            label="Idle nodes"
            checked={params.idleNodes}
            onChange={(idleNodes) => update({ idleNodes })}
            title="Nodes and routes with no traffic in the window"
          />
          <Toggle
            label="Unknown callers"
            checked={params.unknownCallers}
            onChange={(unknownCallers) => update({ unknownCallers })}
            title="Requests from outside the mesh"
          />
          <Toggle
            label="Service nodes"
            checked={params.serviceNodes}
            onChange={(serviceNodes) => update({ serviceNodes })}
            title="Draw services between callers and versions (where canary splits are read)"
          />
          <Toggle
            label={
              <>
                Live updates{' '}
                <span className={`live-dot live-dot--${params.push ? events : 'off'}`} aria-hidden="true" />
              </>
            }
            checked={params.push}
            onChange={(push) => update({ push })}
            title="Refresh as soon as the configuration or topology changes (server push)"
          />
        </div>
      </div>
    </div>
  );
}
