import { useMemo } from 'react';
import type { GraphEdge, GraphNode, GraphResponse } from '@sextant/shared';
import { formatMs, formatPercent, formatRate } from '../../graph/format';
import { failureFlagSummary } from '../../graph/flags';
import { nodeKindLabel, nodeName } from '../../graph/names';
import { edgeState, mtlsLevel } from '../../graph/toElements';
import type { Visibility } from '../../graph/visibility';
import { SortableTable, type Column } from './SortableTable';
import { indexEdges, nodeFigures } from './stats';

export interface GraphTablesProps {
  graph: GraphResponse;
  visibility: Visibility;
  selectedId: string | null;
  onSelect: (id: string) => void;
}

interface NodeRow {
  node: GraphNode;
  name: string;
  rpsIn: number;
  rpsOut: number;
  errorPercent: number;
}

interface EdgeRow {
  edge: GraphEdge;
  from: string;
  to: string;
}

function tableRows(
  graph: GraphResponse,
  visibility: Visibility,
): { nodeRows: NodeRow[]; edgeRows: EdgeRow[] } {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const index = indexEdges(graph);
  const nodeRows: NodeRow[] = graph.nodes
    .filter((node) => !node.isBox && !visibility.hidden.has(node.id))
    .map((node) => {
      const figures = nodeFigures(node, graph, index);
      return {
        node,
        name: nodeName(node),
        rpsIn: figures.rpsIn,
        rpsOut: figures.rpsOut,
        errorPercent: figures.errorRateIn * 100,
      };
    });
  const edgeRows: EdgeRow[] = graph.edges
    .filter((edge) => !visibility.hidden.has(edge.id))
    .map((edge) => {
      const source = byId.get(edge.source);
      const target = byId.get(edge.target);
      return {
        edge,
        from: source ? nodeName(source) : edge.source,
        to: target ? nodeName(target) : edge.target,
      };
    });

  return { nodeRows, edgeRows };
}

/** The graph as two tables (nodes, edges): the same data as the canvas, readable by keyboard and screen readers. */
export function GraphTables({ graph, visibility, selectedId, onSelect }: GraphTablesProps) {
  const { nodeRows, edgeRows } = useMemo(() => tableRows(graph, visibility), [graph, visibility]);

  const rowClass = (id: string) =>
    [id === selectedId ? 'is-selected' : '', visibility.found.has(id) ? 'is-found' : '']
      .filter(Boolean)
      .join(' ') || undefined;

  const nodeColumns: Column<NodeRow>[] = [
    {
      key: 'name',
      label: 'Name',
      value: (r) => r.name,
      render: (r) => (
        <button
          type="button"
          className="table-link"
          aria-pressed={r.node.id === selectedId}
          onClick={() => onSelect(r.node.id)}
        >
          {r.name}
        </button>
      ),
    },
    { key: 'type', label: 'Type', value: (r) => nodeKindLabel(r.node) },
    { key: 'namespace', label: 'Namespace', value: (r) => r.node.namespace },
    {
      key: 'health',
      label: 'Health',
      value: (r) => (r.node.isIdle ? 'idle' : r.node.health),
      render: (r) => (
        <span className={`chip chip--${r.node.isIdle ? 'idle' : r.node.health}`}>
          {r.node.isIdle ? 'idle' : r.node.health}
        </span>
      ),
    },
    {
      key: 'rpsIn',
      label: 'In (rps)',
      numeric: true,
      value: (r) => r.rpsIn,
      render: (r) => formatRate(r.rpsIn),
    },
    {
      key: 'rpsOut',
      label: 'Out (rps)',
      numeric: true,
      value: (r) => r.rpsOut,
      render: (r) => formatRate(r.rpsOut),
    },
    {
      key: 'error',
      label: 'Errors in',
      numeric: true,
      value: (r) => r.errorPercent,
      render: (r) => `${formatPercent(r.errorPercent)}%`,
    },
    { key: 'sidecar', label: 'Sidecar', value: (r) => (r.node.hasSidecar ? 'yes' : 'no') },
    { key: 'badges', label: 'Badges', value: (r) => r.node.badges.join(' ') },
  ];

  const edgeColumns: Column<EdgeRow>[] = [
    {
      key: 'edge',
      label: 'Edge',
      value: (r) => `${r.from} → ${r.to}`,
      render: (r) => (
        <button
          type="button"
          className="table-link"
          aria-pressed={r.edge.id === selectedId}
          onClick={() => onSelect(r.edge.id)}
        >
          {r.from} → {r.to}
        </button>
      ),
    },
    { key: 'protocol', label: 'Protocol', value: (r) => r.edge.protocol },
    {
      key: 'state',
      label: 'State',
      value: (r) => edgeState(r.edge),
      render: (r) => <span className={`chip chip--${edgeState(r.edge)}`}>{edgeState(r.edge)}</span>,
    },
    {
      key: 'rps',
      label: 'Rate (rps)',
      numeric: true,
      value: (r) => r.edge.rps,
      render: (r) => formatRate(r.edge.rps),
    },
    {
      key: 'error',
      label: 'Errors',
      numeric: true,
      value: (r) => r.edge.errorRate,
      render: (r) => `${formatPercent(r.edge.errorRate * 100)}%`,
    },
    {
      key: 'share',
      label: 'Share',
      numeric: true,
      value: (r) => r.edge.percentOfSource,
      render: (r) => `${formatPercent(r.edge.percentOfSource)}%`,
    },
    {
      key: 'weight',
      label: 'Configured',
      numeric: true,
      value: (r) => r.edge.configuredWeight ?? null,
      render: (r) =>
        r.edge.configuredWeight === undefined ? '–' : `${formatPercent(r.edge.configuredWeight)}%`,
    },
    {
      key: 'mtls',
      label: 'mTLS',
      numeric: true,
      value: (r) => r.edge.mtlsPercent,
      render: (r) => `${formatPercent(r.edge.mtlsPercent)}% (${mtlsLevel(r.edge.mtlsPercent)})`,
    },
    {
      key: 'p50',
      label: 'p50',
      numeric: true,
      value: (r) => r.edge.responseTimeMs.p50,
      render: (r) => formatMs(r.edge.responseTimeMs.p50),
    },
    {
      key: 'p95',
      label: 'p95',
      numeric: true,
      value: (r) => r.edge.responseTimeMs.p95,
      render: (r) => formatMs(r.edge.responseTimeMs.p95),
    },
    {
      key: 'p99',
      label: 'p99',
      numeric: true,
      value: (r) => r.edge.responseTimeMs.p99,
      render: (r) => formatMs(r.edge.responseTimeMs.p99),
    },
    {
      key: 'flags',
      // Last, so the other columns keep their places; the flags' meaning in words.
      label: 'Flags',
      value: (r) => failureFlagSummary(r.edge.byFlag),
      render: (r) => failureFlagSummary(r.edge.byFlag) || '–',
    },
  ];

  return (
    <div className="graph-tables">
      <SortableTable
        caption={`Nodes (${nodeRows.length})`}
        columns={nodeColumns}
        rows={nodeRows}
        rowKey={(r) => r.node.id}
        rowClassName={(r) => rowClass(r.node.id)}
        initialSort={{ key: 'name', descending: false }}
      />
      <SortableTable
        caption={`Edges (${edgeRows.length})`}
        columns={edgeColumns}
        rows={edgeRows}
        rowKey={(r) => r.edge.id}
        rowClassName={(r) => rowClass(r.edge.id)}
        initialSort={{ key: 'rps', descending: true }}
      />
    </div>
  );
}
