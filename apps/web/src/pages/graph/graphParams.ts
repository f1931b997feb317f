import { GraphType } from '@sextant/shared';
import type { LayoutChoice } from '../../graph/layoutOptions';
import type { EdgeLabelMode } from '../../graph/toElements';

/**
 * The graph page's state, all of it in the URL's search params (STYLE.md §5): a link reproduces
 * the view. Values that equal the defaults are left out of the URL to keep links short.
 */
export interface GraphParams {
  namespaces: string[];
  graphType: GraphType;
  duration: Duration;
  refresh: Refresh;
  /** Refresh when the server reports a configuration or topology change (SSE). */
  push: boolean;
  layout: LayoutChoice;
  edgeLabels: EdgeLabelMode;
  idleNodes: boolean;
  unknownCallers: boolean;
  serviceNodes: boolean;
  find: string;
  hide: string;
  view: 'graph' | 'table';
  /** Id of the selected node or edge. */
  selected: string | null;
}

export const DURATIONS = ['1m', '5m', '10m', '30m', '1h'] as const;
export type Duration = (typeof DURATIONS)[number];
export const REFRESHES = ['off', '10s', '30s', '1m'] as const;
export type Refresh = (typeof REFRESHES)[number];
export const LAYOUTS: readonly LayoutChoice[] = ['auto', 'hierarchical', 'force'];
export const EDGE_LABELS: readonly EdgeLabelMode[] = ['none', 'rps', 'percent', 'error', 'p95', 'throughput'];
export const GRAPH_TYPES: readonly GraphType[] = GraphType.options;

export const DEFAULT_GRAPH_PARAMS: GraphParams = {
  namespaces: [],
  graphType: 'versionedApp',
  duration: '1m',
  refresh: '30s',
  push: true,
  layout: 'auto',
  edgeLabels: 'none',
  idleNodes: false,
  unknownCallers: true,
  serviceNodes: true,
  find: '',
  hide: '',
  view: 'graph',
  selected: null,
};

function oneOf<T extends string>(allowed: readonly T[], value: string | null, fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function bool(value: string | null, fallback: boolean): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return fallback;
}

/** Reads the params; anything missing or unrecognised takes its default, never an error. */
export function parseGraphParams(search: string): GraphParams {
  const q = new URLSearchParams(search);
  const d = DEFAULT_GRAPH_PARAMS;
  const namespaces = (q.get('namespaces') ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  return {
    namespaces: [...new Set(namespaces)],
    graphType: oneOf(GRAPH_TYPES, q.get('graphType'), d.graphType),
    duration: oneOf(DURATIONS, q.get('duration'), d.duration),
    refresh: oneOf(REFRESHES, q.get('refresh'), d.refresh),
    push: bool(q.get('push'), d.push),
    layout: oneOf(LAYOUTS, q.get('layout'), d.layout),
    edgeLabels: oneOf(EDGE_LABELS, q.get('edgeLabels'), d.edgeLabels),
    idleNodes: bool(q.get('idleNodes'), d.idleNodes),
    unknownCallers: bool(q.get('unknownCallers'), d.unknownCallers),
    serviceNodes: bool(q.get('serviceNodes'), d.serviceNodes),
    find: q.get('find') ?? '',
    hide: q.get('hide') ?? '',
    view: oneOf(['graph', 'table'] as const, q.get('view'), d.view),
    selected: q.get('selected') || null,
  };
}

/** The search string for `params` (with a leading `?`, or empty), defaults left out. */
export function formatGraphParams(params: GraphParams): string {
  const q = new URLSearchParams();
  const d = DEFAULT_GRAPH_PARAMS;
  if (params.namespaces.length > 0) q.set('namespaces', params.namespaces.join(','));
  for (const key of ['graphType', 'duration', 'refresh', 'layout', 'edgeLabels', 'view'] as const) {
    if (params[key] !== d[key]) q.set(key, params[key]);
  }
  for (const key of ['push', 'idleNodes', 'unknownCallers', 'serviceNodes'] as const) {
    if (params[key] !== d[key]) q.set(key, String(params[key]));
  }
  if (params.find) q.set('find', params.find);
  if (params.hide) q.set('hide', params.hide);
  if (params.selected) q.set('selected', params.selected);
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** `1m` → `60s`: the API's duration format. */
export function durationSeconds(duration: Duration): number {
  const value = Number.parseInt(duration, 10);
  return duration.endsWith('h') ? value * 3600 : value * 60;
}

export function refreshMs(refresh: Refresh): number | false {
  switch (refresh) {
    case 'off':
      return false;
    case '10s':
      return 10_000;
    case '30s':
      return 30_000;
    case '1m':
      return 60_000;
  }
}

/**
 * Namespaces shown when the URL names none: every namespace but the control plane's, Kubernetes'
 * own and `default` (usually empty); all of them when that leaves nothing.
 */
export function defaultNamespaces(all: readonly string[]): string[] {
  const system = new Set(['istio-system', 'kube-system', 'kube-public', 'kube-node-lease', 'default']);
  const chosen = all.filter((name) => !system.has(name));
  return chosen.length > 0 ? chosen : [...all];
}
