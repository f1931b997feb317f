import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { queryKeys } from './queries';

export type ServerEventsState = 'off' | 'connecting' | 'open' | 'error';

/** Event names the server may send on `/api/events`; unnamed `message` events count as changes too. */
const CHANGE_EVENTS = ['message', 'change', 'config', 'topology', 'istio', 'resource'] as const;

/**
 * Subscribes to `/api/events` (Server-Sent Events) while `enabled`, and invalidates the queries a
 * configuration or topology change makes stale. EventSource reconnects by itself after an error.
 */
export function useServerEvents(enabled: boolean): ServerEventsState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<ServerEventsState>('connecting');

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/events');
    // PERFORMANCE: a rollout fires a burst of events; one invalidation per animation frame is plenty.
    let scheduled = 0;
    const handleChange = () => {
      if (scheduled) return;
      scheduled = requestAnimationFrame(() => {
        scheduled = 0;
        void queryClient.invalidateQueries({ queryKey: queryKeys.graphAll });
        void queryClient.invalidateQueries({ queryKey: queryKeys.namespaces });
      });
    };
    const handleOpen = () => setState('open');
    const handleError = () => setState(source.readyState === EventSource.CLOSED ? 'error' : 'connecting');
    source.addEventListener('open', handleOpen);
    source.addEventListener('error', handleError);
    for (const name of CHANGE_EVENTS) source.addEventListener(name, handleChange);
    return () => {
      cancelAnimationFrame(scheduled);
      source.close();
    };
  }, [enabled, queryClient]);

  return enabled ? state : 'off';
}
