import type { ReactNode } from 'react';
import { GRPC_STATUS_NAMES } from '@sextant/shared';
import type { GraphEdge, GraphNode, GraphResponse, ResponseTime } from '@sextant/shared';
import { formatBytes, formatMs, formatPercent, formatRate } from '../../graph/format';
import { flagWords } from '../../graph/flags';
import { BADGE_LABEL, NODE_TYPE_LABEL, edgeName, nodeKindLabel, nodeName } from '../../graph/names';
import { DRIFT_POINTS, edgeState, hasDrift, mtlsLevel, observedSplitShare } from '../../graph/toElements';
import { graphSummary, nodeFigures } from './stats';
import { navigate } from '../../app/router';
import { ConfigRefList } from '../service/ConfigRefList';
import { servicePath } from '../service/servicePath';

export interface SidePanelProps {
  graph: GraphResponse | undefined;
  selectedId: string | null;
  hidden: ReadonlySet<string>;
  namespaces: readonly string[];
  onSelect: (id: string | null) => void;
}

/** The panel beside the graph: the selected node or edge, or a summary of the whole graph. */
export function SidePanel({ graph, selectedId, hidden, namespaces, onSelect }: SidePanelProps) {
  const node = graph && selectedId ? graph.nodes.find((n) => n.id === selectedId) : undefined;
  const edge = graph && selectedId && !node ? graph.edges.find((e) => e.id === selectedId) : undefined;
  let body: ReactNode;
  let label: string;
  if (graph && node) {
    label = `Details of ${nodeName(node)}`;
    body = <NodeDetails node={node} graph={graph} onSelect={onSelect} />;
  } else if (graph && edge) {
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    label = `Details of ${edgeName(edge, byId)}`;
    body = <EdgeDetails edge={edge} graph={graph} onSelect={onSelect} />;
  } else {
    label = 'Graph summary';
    body = (
      <Summary
        graph={graph}
        hidden={hidden}
        namespaces={namespaces}
        selectedMissing={selectedId !== null && graph !== undefined}
      />
    );
  }
  return (
    <aside className="side-panel" aria-label={label}>
      {body}
    </aside>
  );
}

function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="panel-section">
      <h3 className="panel-section__title">{title}</h3>
      {children}
    </section>
  );
}

function HealthChip({ health }: { health: GraphNode['health'] | 'idle' | 'tcp' }) {
  const text: Record<typeof health, string> = {
    healthy: 'Healthy',
    degraded: 'Degraded',
    failure: 'Failing',
    na: 'No health data',
    idle: 'No traffic',
    tcp: 'TCP',
  };
  return <span className={`chip chip--${health}`}>{text[health]}</span>;
}

function ResponseTimes({ times }: { times: ResponseTime }) {
  return (
    <dl className="figures figures--three">
      <Figure label="p50">{formatMs(times.p50)}</Figure>
      <Figure label="p95">{formatMs(times.p95)}</Figure>
      <Figure label="p99">{formatMs(times.p99)}</Figure>
    </dl>
  );
}

function Breakdown({
  title,
  rates,
  what,
  explain,
  classOf = codeClass,
}: {
  title: string;
  rates: Record<string, number> | undefined;
  what: string;
  /** Words for a key (an Envoy flag's meaning, a gRPC status name); a column when given. */
  explain?: (key: string) => string;
  /** Colour class of a key; HTTP codes by default (`0` there is no response, for gRPC it is OK). */
  classOf?: (key: string) => string;
}) {
  const entries = Object.entries(rates ?? {}).filter(([, rps]) => rps > 0);
  if (entries.length === 0) return null;
  const total = entries.reduce((sum, [, rps]) => sum + rps, 0);
  entries.sort((a, b) => b[1] - a[1]);
  return (
    <table className="mini-table">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{what}</th>
          {explain ? <th scope="col">Meaning</th> : null}
          <th scope="col" className="num">
            rps
          </th>
          <th scope="col" className="num">
            share
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([key, rps]) => (
          <tr key={key}>
            <td>
              <span className={`code code--${classOf(key)}`}>{key === '-' ? '– (none)' : key}</span>
            </td>
            {explain ? <td className="small">{explain(key)}</td> : null}
            <td className="num">{formatRate(rps)}</td>
            <td className="num">{formatPercent((rps / total) * 100)}%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function codeClass(code: string): string {
  if (/^2\d\d$/.test(code) || code === '-') return 'ok';
  if (/^4\d\d$/.test(code)) return 'warn';
  if (/^(5\d\d|0)$/.test(code)) return 'bad';
  return 'flag';
}

function mtlsText(percent: number | null): string {
  if (percent === null) return '–';
  const level = mtlsLevel(percent);
  return level === 'full'
    ? 'Full (100%)'
    : level === 'partial'
      ? `Partial (${formatPercent(percent)}%)`
      : 'None (plain text)';
}

function EdgeList({
  edges,
  graph,
  direction,
  onSelect,
}: {
  edges: GraphEdge[];
  graph: GraphResponse;
  direction: 'in' | 'out';
  onSelect: (id: string) => void;
}) {
  if (edges.length === 0) return <p className="muted small">None in this window.</p>;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return (
    <ul className="edge-list">
      {[...edges]
        .sort((a, b) => b.rps - a.rps)
        .map((edge) => {
          const other = byId.get(direction === 'in' ? edge.source : edge.target);
          const name = other ? nodeName(other) : direction === 'in' ? edge.source : edge.target;
          return (
            <li key={edge.id}>
              <button
                type="button"
                className="edge-list__item"
                onClick={() => onSelect(edge.id)}
                aria-label={`Select edge ${edgeName(edge, byId)}`}
              >
                <span className={`state-dot state-dot--${edgeState(edge)}`} aria-hidden="true" />
                <span className="edge-list__name">{direction === 'in' ? `from ${name}` : `to ${name}`}</span>
                <span className="edge-list__figure">{formatRate(edge.rps)} rps</span>
                <span className="edge-list__figure">
                  {edge.errorRate > 0 ? `${formatPercent(edge.errorRate * 100)}% err` : ''}
                </span>
              </button>
            </li>
          );
        })}
    </ul>
  );
}

function IstioConfig({ node }: { node: GraphNode }) {
  const refs = node.config ?? [];
  return (
    <Section title="Istio config">
      {refs.length === 0 ? (
        <p className="muted small">No Istio objects apply to this node.</p>
      ) : (
        <ConfigRefList refs={refs} namespace={node.namespace} />
      )}
    </Section>
  );
}

function NodeDetails({
  node,
  graph,
  onSelect,
}: {
  node: GraphNode;
  graph: GraphResponse;
  onSelect: (id: string | null) => void;
}) {
  const figures = nodeFigures(node, graph);
  const children = node.isBox ? graph.nodes.filter((n) => n.parent === node.id) : [];
  return (
    <div className="panel">
      <header className="panel__header">
        <div className="panel__kind">{nodeKindLabel(node)}</div>
        <h2 className="panel__title">{nodeName(node)}</h2>
        <div className="panel__chips">
          <span className="chip">{node.namespace}</span>
          <HealthChip health={node.isIdle ? 'idle' : node.health} />
          {node.nodeType !== 'unknown' && !node.isBox ? (
            <span className={`chip ${node.hasSidecar ? '' : 'chip--degraded'}`}>
              {node.hasSidecar ? 'Sidecar' : 'No sidecar'}
            </span>
          ) : null}
        </div>
        <button
          type="button"
          className="panel__close icon-button"
          aria-label="Clear selection"
          onClick={() => onSelect(null)}
        >
          ×
        </button>
      </header>
      {node.badges.length > 0 ? (
        <ul className="badge-list" aria-label="Badges">
          {node.badges.map((badge) => (
            <li key={badge}>
              <span className="badge">{badge}</span> {BADGE_LABEL[badge]}
            </li>
          ))}
        </ul>
      ) : null}
      {children.length > 0 ? (
        <Section title="Versions">
          <ul className="edge-list">
            {children.map((child) => (
              <li key={child.id}>
                <button type="button" className="edge-list__item" onClick={() => onSelect(child.id)}>
                  <span
                    className={`state-dot state-dot--${child.health === 'na' ? 'idle' : child.health}`}
                    aria-hidden="true"
                  />
                  <span className="edge-list__name">{nodeName(child)}</span>
                </button>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      <Section title="Traffic">
        <dl className="figures">
          <Figure label="Inbound">{formatRate(figures.rpsIn)} rps</Figure>
          <Figure label="Outbound">{formatRate(figures.rpsOut)} rps</Figure>
          <Figure label="Errors in">{formatPercent(figures.errorRateIn * 100)}%</Figure>
          <Figure label="mTLS in">{mtlsText(figures.mtlsIn)}</Figure>
        </dl>
      </Section>
      <Section title="Inbound response time">
        <ResponseTimes times={figures.responseTimeIn} />
      </Section>
      <Breakdown title="Responses by code" rates={figures.byCode} what="Code" />
      <Breakdown title="Responses by flag" rates={figures.byFlag} what="Envoy flag" explain={flagWords} />
      <Section title="Inbound">
        <EdgeList edges={figures.inbound} graph={graph} direction="in" onSelect={onSelect} />
      </Section>
      <Section title="Outbound">
        <EdgeList edges={figures.outbound} graph={graph} direction="out" onSelect={onSelect} />
      </Section>
      {node.nodeType !== 'unknown' ? <IstioConfig node={node} /> : null}
      {node.nodeType === 'service' && node.service ? (
        <Section title="Routing">
          <a
            className="button"
            href={`${servicePath(node.namespace, node.service)}#traffic-shifting`}
            onClick={(event) => {
              event.preventDefault();
              navigate(servicePath(node.namespace, node.service ?? ''));
            }}
          >
            Shift traffic…
          </a>
        </Section>
      ) : null}
    </div>
  );
}

function EdgeDetails({
  edge,
  graph,
  onSelect,
}: {
  edge: GraphEdge;
  graph: GraphResponse;
  onSelect: (id: string | null) => void;
}) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const source = byId.get(edge.source);
  const target = byId.get(edge.target);
  const state = edgeState(edge);
  const drift = hasDrift(edge);
  const splitShare = observedSplitShare(edge);
  return (
    <div className="panel">
      <header className="panel__header">
        <div className="panel__kind">Edge · {edge.protocol.toUpperCase()}</div>
        <h2 className="panel__title">{edgeName(edge, byId)}</h2>
        <div className="panel__chips">
          <HealthChip health={state === 'failure' ? 'failure' : state} />
          <span className="chip">mTLS {mtlsLevel(edge.mtlsPercent)}</span>
        </div>
        <button
          type="button"
          className="panel__close icon-button"
          aria-label="Clear selection"
          onClick={() => onSelect(null)}
        >
          ×
        </button>
      </header>
      <Section title="Traffic">
        <dl className="figures">
          <Figure label={edge.protocol === 'tcp' ? 'Connections' : 'Requests'}>
            {formatRate(edge.rps)} {edge.protocol === 'tcp' ? 'cps' : 'rps'}
          </Figure>
          <Figure label="Errors">{formatPercent(edge.errorRate * 100)}%</Figure>
          <Figure label="Share of source">{formatPercent(edge.percentOfSource)}%</Figure>
          <Figure label="mTLS">{mtlsText(edge.mtlsPercent)}</Figure>
          {edge.tcpBytesPerSecond !== undefined ? (
            <Figure label="Throughput">{formatBytes(edge.tcpBytesPerSecond)}</Figure>
          ) : null}
          {edge.tcpBytesSentPerSecond !== undefined ? (
            <Figure label="Sent (to destination)">{formatBytes(edge.tcpBytesSentPerSecond)}</Figure>
          ) : null}
          {edge.tcpBytesReceivedPerSecond !== undefined ? (
            <Figure label="Received (from destination)">{formatBytes(edge.tcpBytesReceivedPerSecond)}</Figure>
          ) : null}
        </dl>
        {edge.reportedBy ? <p className="muted small">{REPORTED_BY[edge.reportedBy]}</p> : null}
      </Section>
      {edge.configuredWeight !== undefined ? (
        <Section title="Traffic split">
          <dl className="figures">
            <Figure label="Configured weight">{formatPercent(edge.configuredWeight)}%</Figure>
            <Figure label="Observed share">
              {state === 'idle' ? '0' : formatPercent(splitShare ?? edge.percentOfSource)}%
            </Figure>
          </dl>
          {edge.defaultRouteShare !== undefined ? (
            <p className="muted small">
              Share of the requests the default route sent to this service’s versions; requests matched by
              other rules (headers, paths) are left out.
            </p>
          ) : null}
          {drift ? (
            <p className="note note--warning">
              The observed share differs from the configured weight by more than {DRIFT_POINTS} points. It may
              still be converging after a change, or another rule routes this traffic.
            </p>
          ) : null}
        </Section>
      ) : null}
      {edge.matchRouted ? (
        <Section title="Traffic split">
          <p className="note">
            Only match rules (headers, paths) route requests here: this traffic is no part of the default
            route’s split.
          </p>
        </Section>
      ) : null}
      {edge.protocol !== 'tcp' ? (
        <Section title="Response time">
          <ResponseTimes times={edge.responseTimeMs} />
        </Section>
      ) : null}
      <Breakdown title="Responses by code" rates={edge.byCode} what="Code" />
      <Breakdown title="Responses by flag" rates={edge.byFlag} what="Envoy flag" explain={flagWords} />
      <Breakdown
        title="gRPC statuses"
        rates={edge.byGrpcStatus}
        what="Status"
        explain={(status) => GRPC_STATUS_NAMES[status] ?? 'unknown status'}
        classOf={(status) => (status === '0' ? 'ok' : 'bad')}
      />
      {edge.destinationView ? <DestinationView view={edge.destinationView} /> : null}
      <Section title="Ends">
        <ul className="edge-list">
          {[source, target].map((end, index) =>
            end ? (
              <li key={end.id}>
                <button
                  type="button"
                  className="edge-list__item"
                  onClick={() => onSelect(end.id)}
                  aria-label={`Select node ${nodeName(end)}`}
                >
                  <span className="edge-list__name">
                    {index === 0 ? 'Source' : 'Destination'}: {nodeName(end)}
                  </span>
                  <span className="edge-list__figure muted">{end.namespace}</span>
                </button>
              </li>
            ) : null,
          )}
        </ul>
      </Section>
    </div>
  );
}

const REPORTED_BY: Record<NonNullable<GraphEdge['reportedBy']>, string> = {
  source: 'As the caller’s proxy saw it.',
  destination: 'As the destination’s proxy saw it (the caller has no sidecar).',
  both: 'Callers with a sidecar as their proxy saw it; callers without one as the destination saw it.',
};

/** What the destination's proxy saw, when it differs from the caller's: failures it never saw. */
function DestinationView({ view }: { view: NonNullable<GraphEdge['destinationView']> }) {
  return (
    <Section title="As the destination saw it">
      <p className="muted small">
        The destination’s proxy reports differently: requests the caller saw fail (aborts, timeouts,
        connection failures) may never have reached it, or it answered after the caller gave up.
      </p>
      <dl className="figures">
        <Figure label="Requests">{formatRate(view.rps)} rps</Figure>
        <Figure label="Errors">{formatPercent(view.errorRate * 100)}%</Figure>
      </dl>
      <Breakdown title="Destination’s responses by code" rates={view.byCode} what="Code" />
      <Breakdown
        title="Destination’s responses by flag"
        rates={view.byFlag}
        what="Envoy flag"
        explain={flagWords}
      />
    </Section>
  );
}

function Summary({
  graph,
  hidden,
  namespaces,
  selectedMissing,
}: {
  graph: GraphResponse | undefined;
  hidden: ReadonlySet<string>;
  namespaces: readonly string[];
  selectedMissing: boolean;
}) {
  if (!graph) {
    return (
      <div className="panel">
        <header className="panel__header">
          <h2 className="panel__title">Graph summary</h2>
        </header>
        <p className="muted small">Nothing loaded yet.</p>
      </div>
    );
  }
  const summary = graphSummary(graph, hidden);
  const updated = new Date(graph.timestamp * 1000);
  return (
    <div className="panel">
      <header className="panel__header">
        <h2 className="panel__title">Graph summary</h2>
        <p className="muted small">Select a node or an edge for its details.</p>
      </header>
      {selectedMissing ? <p className="note">The selected element is not in this graph any more.</p> : null}
      <dl className="figures" aria-label="Graph summary">
        <Figure label="Nodes">{summary.nodes}</Figure>
        <Figure label="Edges">{summary.edges}</Figure>
        {(['app', 'service', 'workload', 'unknown', 'external'] as const).map((type) =>
          summary.byType[type] ? (
            <Figure key={type} label={`${NODE_TYPE_LABEL[type]}s`}>
              {summary.byType[type]}
            </Figure>
          ) : null,
        )}
        <Figure label="Unhealthy nodes">{summary.unhealthyNodes}</Figure>
        <Figure label="Edges with errors">{summary.edgesWithErrors}</Figure>
        <Figure label="Edges without mTLS">{summary.edgesWithoutMtls}</Figure>
        <Figure label="Idle nodes">{summary.idleNodes}</Figure>
      </dl>
      <Section title="Query">
        <dl className="figures figures--wide">
          <Figure label="Namespaces">{namespaces.join(', ') || '–'}</Figure>
          <Figure label="Window">
            {graph.duration >= 3600 ? `${graph.duration / 3600}h` : `${Math.round(graph.duration / 60)}m`}
          </Figure>
          <Figure label="Telemetry">{telemetryText(graph.telemetrySource)}</Figure>
          <Figure label="As of">{updated.toLocaleTimeString()}</Figure>
        </dl>
      </Section>
    </div>
  );
}

function telemetryText(source: GraphResponse['telemetrySource']): string {
  switch (source) {
    case 'prometheus':
      return 'Prometheus';
    case 'simulator':
      return 'Simulator counters';
    case 'none':
      return 'None (configuration only)';
    default:
      return '–';
  }
}
