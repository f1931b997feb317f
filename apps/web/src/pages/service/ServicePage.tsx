import { useQuery } from '@tanstack/react-query';
import { serviceQuery } from '../../api/routing';
import { DestinationPolicyForm } from '../../forms/DestinationPolicyForm';
import { PeerAuthenticationForm } from '../../forms/PeerAuthenticationForm';
import { RemoveRoutingButton } from '../../forms/RemoveRoutingButton';
import { RequestRoutingForm } from '../../forms/RequestRoutingForm';
import { RoutePolicyForm } from '../../forms/RoutePolicyForm';
import { TrafficShiftForm } from '../../forms/TrafficShiftForm';
import { ChangeHistoryList } from './ChangeHistoryList';
import { ConfigRefList } from './ConfigRefList';
import './servicePage.css';

/** `/services/:ns/:name`: what the service is, what routes it, how to shift it, and what changed. */
export function ServicePage({ namespace, name }: { namespace: string; name: string }) {
  const svc = useQuery(serviceQuery(namespace, name));
  const s = svc.data;
  return (
    <div className="page service-page">
      <header className="service-page__header">
        <div className="muted small">Service · {namespace}</div>
        <h1 id="page-title" className="page__title">
          {name}
        </h1>
      </header>
      {svc.isError ? (
        <p className="note note--warning" role="alert">
          {svc.error.message}
        </p>
      ) : null}
      {s ? (
        <div className="service-page__grid">
          <div className="service-page__main">
            <TrafficShiftForm namespace={namespace} service={name} />
            <RequestRoutingForm namespace={namespace} service={name} />
            <RoutePolicyForm namespace={namespace} service={name} />
            <DestinationPolicyForm namespace={namespace} service={name} />
            <PeerAuthenticationForm namespace={namespace} service={name} />
            <section className="service-page__section" aria-label="History">
              <h2 className="panel-section__title">History</h2>
              <ChangeHistoryList namespace={namespace} service={name} />
            </section>
          </div>
          <aside className="service-page__side">
            <section className="service-page__section">
              <h2 className="panel-section__title">Summary</h2>
              <dl className="figures figures--wide">
                <div className="figure">
                  <dt>Ports</dt>
                  <dd>
                    {s.ports
                      .map((p) => `${p.name ?? ''} ${p.port}/${p.protocol ?? 'TCP'}`.trim())
                      .join(', ') || '–'}
                  </dd>
                </div>
                <div className="figure">
                  <dt>Selector</dt>
                  <dd>
                    {Object.entries(s.selector ?? {})
                      .map(([k, v]) => `${k}=${v}`)
                      .join(', ') || '–'}
                  </dd>
                </div>
                <div className="figure">
                  <dt>Sidecars</dt>
                  <dd>{s.hasSidecar ? 'All workloads' : 'Missing on some workloads'}</dd>
                </div>
              </dl>
            </section>
            <section className="service-page__section">
              <h2 className="panel-section__title">Workloads</h2>
              {s.workloads.length === 0 ? (
                <p className="muted small">No workload behind this service.</p>
              ) : (
                <ul className="config-list">
                  {s.workloads.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ul>
              )}
            </section>
            <section className="service-page__section">
              <h2 className="panel-section__title">Istio objects</h2>
              {s.istioConfig.length === 0 ? (
                <p className="muted small">No Istio objects apply to this service.</p>
              ) : (
                <ConfigRefList refs={s.istioConfig} namespace={namespace} />
              )}
              <RemoveRoutingButton namespace={namespace} service={name} />
            </section>
          </aside>
        </div>
      ) : svc.isPending ? (
        <p className="muted small">Loading…</p>
      ) : null}
    </div>
  );
}
