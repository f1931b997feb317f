import { ApiError, useServerStatus } from '../api';
import { staleNotices } from './staleness';
import './staleBanner.css';

/**
 * Says, on every page, when what is shown may be old: the server, the Kubernetes API server or
 * Prometheus not answering, with since when and the data's age. It disappears by itself once the
 * next status poll finds everything answering again.
 */
export function StaleBanner() {
  const status = useServerStatus();
  const notices = staleNotices({
    status: status.data,
    // Only "no answer" (network) or a server failure means the server is away; 401/403 are the
    // sign-in flow's business.
    statusFailed:
      status.isError &&
      (!(status.error instanceof ApiError) || status.error.status === 0 || status.error.status >= 500),
    statusUpdatedAt: status.dataUpdatedAt,
    // The latest poll's time, not Date.now(): render stays pure, and the age moves with each poll.
    now: Math.max(status.dataUpdatedAt, status.errorUpdatedAt),
  });
  if (notices.length === 0) return null;
  return (
    <div className="banner banner--warning stale-banner" role="status" aria-label="Stale data">
      <ul>
        {notices.map((n) => (
          <li key={n.source} data-source={n.source}>
            <strong>{n.title}</strong> {n.detail}
          </li>
        ))}
      </ul>
    </div>
  );
}
