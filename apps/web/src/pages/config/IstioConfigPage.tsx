import { useMemo, type MouseEvent } from 'react';
import { useNamespaces } from '../../api';
import { useIstioList } from '../../api/istioConfig';
import { navigate, useLocation } from '../../app/router';
import { istioObjectPath } from '../graph/istioLinks';
import {
  configFiltersSearch,
  filterItems,
  parseConfigFilters,
  stateCounts,
  validationState,
  type ConfigFilters,
  type ValidationState,
} from './configModel';
import { KindOptions } from './EditProblems';
import { ValidationChip } from './ValidationChip';
import './config.css';

const STATE_LABELS: Record<ValidationState, string> = {
  error: 'Errors',
  warning: 'Warnings',
  info: 'Info',
  valid: 'Valid',
};

export function followLink(event: MouseEvent<HTMLAnchorElement>, to: string) {
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(to);
}

/** `/istio`: every Istio object with its validation state, filtered by the URL. */
export function IstioConfigPage() {
  const { search } = useLocation();
  const filters = useMemo(() => parseConfigFilters(search), [search]);
  const setFilters = (patch: Partial<ConfigFilters>) =>
    navigate(`/istio${configFiltersSearch({ ...filters, ...patch })}`, { replace: true });
  const namespaces = useNamespaces();
  const list = useIstioList(filters.namespace || undefined);
  const all = list.data?.items ?? [];
  // Counts follow the other filters, so a count says what clicking it will show.
  const counts = stateCounts(filterItems(all, { ...filters, state: '' }));
  const items = filterItems(all, filters);
  const createPath = `/istio/new${filters.namespace ? `?namespace=${encodeURIComponent(filters.namespace)}` : ''}`;

  return (
    <div className="page config-page">
      <header className="page-header">
        <h1 id="page-title" className="page__title">
          Istio config
        </h1>
        <a className="button" href={createPath} onClick={(e) => followLink(e, createPath)}>
          Create from YAML
        </a>
      </header>
      <div className="config-page__filters" role="search" aria-label="Filter Istio objects">
        <label className="field">
          <span className="field__label">Namespace</span>
          <select value={filters.namespace} onChange={(e) => setFilters({ namespace: e.target.value })}>
            <option value="">All namespaces</option>
            {(namespaces.data?.namespaces ?? []).map((n) => (
              <option key={n.name} value={n.name}>
                {n.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">Kind</span>
          <select value={filters.kind} onChange={(e) => setFilters({ kind: e.target.value })}>
            <option value="">All kinds</option>
            <KindOptions />
          </select>
        </label>
        <label className="field">
          <span className="field__label">Name</span>
          <input
            type="search"
            className="config-page__name"
            value={filters.name}
            placeholder="Filter by name"
            onChange={(e) => setFilters({ name: e.target.value })}
          />
        </label>
        <div className="field">
          <span className="field__label" id="state-label">
            Validation
          </span>
          <div className="segmented" role="group" aria-labelledby="state-label">
            <button
              type="button"
              aria-pressed={filters.state === ''}
              onClick={() => setFilters({ state: '' })}
            >
              All
            </button>
            {(Object.keys(STATE_LABELS) as ValidationState[]).map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={filters.state === s}
                onClick={() => setFilters({ state: s })}
                data-testid={`count-${s}`}
              >
                {STATE_LABELS[s]} <span className="config-page__count">{counts[s]}</span>
              </button>
            ))}
          </div>
        </div>
      </div>
      {list.isError ? (
        <p className="note note--warning" role="alert">
          {list.error.message}
        </p>
      ) : null}
      {list.isPending ? <p className="muted">Loading Istio objects…</p> : null}
      {list.data && items.length === 0 ? (
        <p className="muted">No Istio object matches these filters.</p>
      ) : null}
      {items.length > 0 ? (
        <table className="data-table config-table" aria-label="Istio objects">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Namespace</th>
              <th scope="col">Kind</th>
              <th scope="col">Validation</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => {
              const ref = {
                kind: i.object.kind ?? '',
                namespace: i.object.metadata.namespace ?? '',
                name: i.object.metadata.name,
              };
              const path = istioObjectPath(ref);
              const first = i.validations[0];
              return (
                <tr key={`${ref.kind}/${ref.namespace}/${ref.name}`}>
                  <td>
                    <a className="table-link" href={path} onClick={(e) => followLink(e, path)}>
                      {ref.name}
                    </a>
                  </td>
                  <td>{ref.namespace}</td>
                  <td>{ref.kind}</td>
                  <td>
                    <ValidationChip state={validationState(i.validations)} count={i.validations.length} />
                    {first ? (
                      <span className="muted small config-table__finding">
                        {first.code}: {first.message}
                      </span>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
