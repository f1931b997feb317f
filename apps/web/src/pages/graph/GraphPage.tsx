import { Suspense, lazy, useCallback, useEffect, useMemo, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, queryKeys, useGraph, useNamespaces, useServerEvents, type GraphRequest } from '../../api';
import { useActiveTheme } from '../../app/App';
import { parseFindHide } from '../../graph/findHide';
import { toElements } from '../../graph/toElements';
import { computeVisibility, type Visibility } from '../../graph/visibility';
import { FindHideBar } from './FindHideBar';
import { GraphTables } from './GraphTables';
import { GraphToolbar } from './GraphToolbar';
import { defaultNamespaces, durationSeconds, refreshMs } from './graphParams';
import { Legend } from './Legend';
import { SidePanel } from './SidePanel';
import { useGraphParams } from './useGraphParams';

// PERFORMANCE: cytoscape and its layouts are most of the bundle; loading them in their own chunk
// lets the namespace and graph requests leave while the canvas code is still downloading.
const GraphCanvas = lazy(() =>
  import('../../graph/GraphCanvas').then((module) => ({ default: module.GraphCanvas })),
);

const NO_VISIBILITY: Visibility = { hidden: new Set(), found: new Set() };

function errorAdvice(error: unknown): { title: string; message: string } {
  if (error instanceof ApiError) {
    if (error.status === 401)
      return { title: 'Not signed in', message: `${error.message} Sign in again and reload the page.` };
    if (error.status === 403) return { title: 'Not allowed', message: error.message };
    if (error.status === 502 || error.status === 504)
      return { title: 'An upstream service did not answer', message: error.message };
    if (error.status === 0) return { title: 'Sextant is unreachable', message: error.message };
    return { title: 'The graph could not be loaded', message: error.message };
  }
  return {
    title: 'The graph could not be loaded',
    message: error instanceof Error ? error.message : String(error),
  };
}

export function GraphPage() {
  const [params, update] = useGraphParams();
  const theme = useActiveTheme();
  const queryClient = useQueryClient();
  const namespacesQuery = useNamespaces();
  const events = useServerEvents(params.push);

  const availableNamespaces = useMemo(() => namespacesQuery.data?.namespaces ?? [], [namespacesQuery.data]);
  const needsDefaultNamespaces = params.namespaces.length === 0 && namespacesQuery.isSuccess;
  useEffect(() => {
    if (needsDefaultNamespaces) {
      update({ namespaces: defaultNamespaces(availableNamespaces.map((ns) => ns.name)) }, { replace: true });
    }
  }, [needsDefaultNamespaces, availableNamespaces, update]);

  const request: GraphRequest = useMemo(
    () => ({
      namespaces: params.namespaces,
      graphType: params.graphType,
      duration: `${durationSeconds(params.duration)}s`,
      idleNodes: params.idleNodes,
      injectServiceNodes: params.serviceNodes,
    }),
    [params.namespaces, params.graphType, params.duration, params.idleNodes, params.serviceNodes],
  );
  const graphQuery = useGraph(request, refreshMs(params.refresh));
  const graph = graphQuery.data;

  const find = useMemo(() => parseFindHide(params.find), [params.find]);
  const hide = useMemo(() => parseFindHide(params.hide), [params.hide]);
  const visibility = useMemo(
    () =>
      graph
        ? computeVisibility(graph, {
            find: find.ok ? find.expr : null,
            hide: hide.ok ? hide.expr : null,
            showUnknown: params.unknownCallers,
          })
        : NO_VISIBILITY,
    [graph, find, hide, params.unknownCallers],
  );
  const elements = useMemo(
    () => (graph ? toElements(graph, { edgeLabels: params.edgeLabels, visibility }) : []),
    [graph, params.edgeLabels, visibility],
  );

  const handleSelect = useCallback(
    (id: string | null) => update({ selected: id }, { replace: true }),
    [update],
  );
  const handleRefresh = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.graphAll });
  }, [queryClient]);

  const drawable = graph ? graph.nodes.filter((n) => !n.isBox) : [];
  const visibleCount = drawable.filter((n) => !visibility.hidden.has(n.id)).length;
  const hiddenByExpression = params.hide && hide.ok ? [...visibility.hidden].length : null;

  let overlay: ReactNode = null;
  if (namespacesQuery.isError) {
    const advice = errorAdvice(namespacesQuery.error);
    overlay = (
      <StateMessage
        tone="error"
        title={`Namespaces could not be listed: ${advice.title.toLowerCase()}`}
        message={advice.message}
        onRetry={() => void namespacesQuery.refetch()}
      />
    );
  } else if (params.namespaces.length === 0) {
    overlay = namespacesQuery.isPending ? (
      <StateMessage tone="loading" title="Loading namespaces…" />
    ) : (
      <StateMessage
        title="No namespace selected"
        message="Pick one or more namespaces in the toolbar to draw their traffic."
      />
    );
  } else if (!graph && graphQuery.isPending) {
    overlay = <StateMessage tone="loading" title="Loading the graph…" />;
  } else if (!graph && graphQuery.isError) {
    const advice = errorAdvice(graphQuery.error);
    overlay = (
      <StateMessage tone="error" title={advice.title} message={advice.message} onRetry={handleRefresh} />
    );
  } else if (graph && drawable.length === 0) {
    overlay = (
      <StateMessage
        title="No traffic in this window"
        message={`Nothing in ${params.namespaces.join(', ')} sent or received requests in the ${params.duration} window. Try a longer window, turn on idle nodes to see the configured services, or pick other namespaces.`}
      />
    );
  } else if (graph && visibleCount === 0) {
    overlay = (
      <StateMessage
        title="Everything is hidden"
        message="The Hide expression or the toggles hide every node. Clear the Hide box to see the graph again."
      />
    );
  }

  const refreshError = graph && graphQuery.isError ? errorAdvice(graphQuery.error) : null;

  return (
    <section className="graph-page" aria-labelledby="graph-title">
      <div className="page-header">
        <div>
          <h1 id="graph-title" className="page__title">
            Traffic graph
          </h1>
          <p className="page-header__meta" aria-live="polite">
            {graph ? `Updated ${new Date(graph.timestamp * 1000).toLocaleTimeString()}` : '\u00a0'}
            {graphQuery.isFetching && graph ? ' · refreshing…' : ''}
          </p>
        </div>
        <div className="segmented" role="group" aria-label="View">
          <button
            type="button"
            aria-pressed={params.view === 'graph'}
            onClick={() => update({ view: 'graph' })}
          >
            Graph
          </button>
          <button
            type="button"
            aria-pressed={params.view === 'table'}
            onClick={() => update({ view: 'table' })}
          >
            Table
          </button>
        </div>
      </div>
      <GraphToolbar
        params={params}
        update={update}
        namespaces={availableNamespaces}
        namespacesLoading={namespacesQuery.isPending}
        events={events}
        fetching={graphQuery.isFetching}
        onRefresh={handleRefresh}
      />
      <FindHideBar
        find={params.find}
        hide={params.hide}
        onChange={(patch) => update(patch, { replace: true })}
        foundCount={params.find && find.ok ? visibility.found.size : null}
        hiddenCount={hiddenByExpression}
      />
      {graph?.warnings.length ? (
        <div className="banner banner--warning" role="status" aria-label="Graph warnings">
          <strong>
            {graph.telemetrySource === 'none' ? 'Configuration-only graph.' : 'The graph may be incomplete.'}
          </strong>
          <ul>
            {graph.warnings.map((warning) => (
              <li key={`${warning.code}:${warning.message}`}>{warning.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {refreshError ? (
        <div className="banner banner--error" role="alert">
          <strong>Could not refresh: {refreshError.title.toLowerCase()}.</strong> {refreshError.message}{' '}
          Showing the last graph loaded.
        </div>
      ) : null}
      <div className="graph-page__body">
        <div className="graph-page__view">
          <div className="graph-page__canvas" hidden={params.view !== 'graph'}>
            <Suspense fallback={<StateMessage tone="loading" title="Loading the graph…" />}>
              <GraphCanvas
                elements={elements}
                layout={params.layout}
                selectedId={params.selected}
                onSelect={handleSelect}
                theme={theme}
                visible={params.view === 'graph'}
                ariaLabel={`Service graph of ${params.namespaces.join(', ') || 'no namespace'}: ${visibleCount} nodes. The Table view lists the same data.`}
              />
            </Suspense>
            {overlay ? null : <Legend />}
          </div>
          {params.view === 'table' && graph && !overlay ? (
            <div className="graph-page__table">
              <GraphTables
                graph={graph}
                visibility={visibility}
                selectedId={params.selected}
                onSelect={handleSelect}
              />
            </div>
          ) : null}
          {overlay ? <div className="graph-page__overlay">{overlay}</div> : null}
        </div>
        <SidePanel
          graph={graph}
          selectedId={params.selected}
          hidden={visibility.hidden}
          namespaces={params.namespaces}
          onSelect={handleSelect}
        />
      </div>
    </section>
  );
}

function StateMessage({
  title,
  message,
  tone = 'info',
  onRetry,
}: {
  title: string;
  message?: string;
  tone?: 'info' | 'loading' | 'error';
  onRetry?: () => void;
}) {
  return (
    <div className={`state state--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {tone === 'loading' ? <span className="spinner" aria-hidden="true" /> : null}
      <h2 className="state__title">{title}</h2>
      {message ? <p className="state__message">{message}</p> : null}
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
