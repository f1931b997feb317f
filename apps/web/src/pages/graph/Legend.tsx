import { BADGE_LABEL } from '../../graph/names';

const SHAPES = [
  { label: 'App', svg: <rect x="3" y="5" width="18" height="14" rx="4" /> },
  { label: 'Service', svg: <path d="M12 3 21 20H3z" /> },
  { label: 'Workload', svg: <circle cx="12" cy="12" r="8" /> },
  {
    // Unknown callers (no sidecar names them) and unknown destinations (requests that reached no workload).
    label: 'Unknown caller or destination',
    svg: <circle cx="12" cy="12" r="8" strokeDasharray="3 2" />,
  },
  { label: 'External service', svg: <path d="M3 5h13l5 7-5 7H3z" /> },
  {
    label: 'Idle (no traffic)',
    svg: <rect x="3" y="5" width="18" height="14" rx="4" strokeDasharray="1.5 2.5" />,
  },
];

const EDGES = [
  { label: 'Healthy', className: 'legend__line--healthy' },
  { label: 'Degraded (some errors)', className: 'legend__line--degraded' },
  { label: 'Failing (≥ 10% errors)', className: 'legend__line--failure' },
  { label: 'TCP', className: 'legend__line--tcp' },
  { label: 'No traffic', className: 'legend__line--idle' },
];

/** What the shapes, colours and marks on the canvas mean. */
export function Legend() {
  return (
    <details className="legend">
      <summary>Legend</summary>
      <div className="legend__body">
        <section>
          <h3>Nodes</h3>
          <ul>
            {SHAPES.map((shape) => (
              <li key={shape.label}>
                <svg viewBox="0 0 24 24" className="legend__shape" aria-hidden="true">
                  {shape.svg}
                </svg>
                {shape.label}
              </li>
            ))}
            <li>
              <span className="legend__border legend__border--healthy" aria-hidden="true" />
              <span className="legend__border legend__border--degraded" aria-hidden="true" />
              <span className="legend__border legend__border--failure" aria-hidden="true" />
              Border: health
            </li>
          </ul>
        </section>
        <section>
          <h3>Edges</h3>
          <ul>
            {EDGES.map((edge) => (
              <li key={edge.label}>
                <span className={`legend__line ${edge.className}`} aria-hidden="true" />
                {edge.label}
              </li>
            ))}
            <li>
              <span className="legend__lock" aria-hidden="true" />
              mTLS on every request
            </li>
            <li>
              <span className="legend__lock legend__lock--partial" aria-hidden="true" />
              mTLS on some requests
            </li>
            <li>
              <span className="legend__text">40% (cfg 50%)</span> observed vs configured split; ⚠ drift
            </li>
            <li>Width grows with the request rate</li>
          </ul>
        </section>
        <section>
          <h3>Badges</h3>
          <ul>
            {Object.entries(BADGE_LABEL).map(([badge, label]) => (
              <li key={badge}>
                <span className="badge">{badge}</span> {label}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </details>
  );
}
