import { useQuery } from '@tanstack/react-query';
import type { HistoryEntry } from '@sextant/shared';
import { useAuthInfo } from '../../api';
import { historyQuery, useRollback } from '../../api/routing';

/** The changes Sextant made to this service, newest first, each with a one-click rollback. */
export function ChangeHistoryList({ namespace, service }: { namespace: string; service: string }) {
  const history = useQuery(historyQuery(namespace, service));
  const auth = useAuthInfo();
  const rollback = useRollback();
  const canEdit =
    auth.data !== undefined && !auth.data.readOnly && auth.data.permissions[namespace]?.canEdit === true;

  if (history.isError) {
    return (
      <p className="note note--warning" role="alert">
        {history.error.message}
      </p>
    );
  }
  const entries = history.data?.entries ?? [];
  return (
    <div>
      {rollback.error ? (
        <p className="note note--warning" role="alert">
          {rollback.error.message}
        </p>
      ) : null}
      {rollback.isSuccess ? (
        <p className="note" role="status">
          Rolled back. The entry above records it.
        </p>
      ) : null}
      {entries.length === 0 ? (
        <p className="muted small">Sextant has not changed the routing of {service} yet.</p>
      ) : (
        <table className="mini-table history-table" aria-label="Change history">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Change</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td title={e.at}>{new Date(e.at).toLocaleString()}</td>
                <td>{e.user}</td>
                <td>{describe(e)}</td>
                <td>
                  <button
                    type="button"
                    className="button"
                    disabled={!canEdit || rollback.isPending}
                    title={
                      canEdit
                        ? 'Restore the objects as they were before this change'
                        : 'You may not change routing here'
                    }
                    aria-label={`Roll back: ${describe(e)}`}
                    onClick={() => rollback.mutate(e.id)}
                  >
                    Roll back
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function describe(e: HistoryEntry): string {
  if (e.action === 'traffic-shift') return `Weights: ${e.summary}`;
  if (e.action === 'route-policy') return `Route policy: ${e.summary}`;
  if (e.action === 'destination-policy') return `Traffic policy: ${e.summary}`;
  if (e.action === 'request-routing') return `Request routing: ${e.summary}`;
  if (e.action === 'peer-authentication') return `mTLS: ${e.summary}`;
  return e.summary;
}
