import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { queryKeys } from './queries';

export type ServerEventsState = 'off' | 'connecting' | 'open' | 'error';

/** `/api/events` sends `change` events (ChangeEvent in @sextant/shared); unnamed ones count as changes too. */
const CHANGE_EVENTS = ['change', 'message'] as const;

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
    // PERFORMANCE: a rollout fires a burst of events; invalidate at most once a second, after the burst starts.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const handleChange = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void queryClient.invalidateQueries({ queryKey: queryKeys.graphAll });
        void queryClient.invalidateQueries({ queryKey: queryKeys.namespaces });
      }, 1000);
    };
    const handleOpen = () => setState('open');
    const handleError = () => setState(source.readyState === EventSource.CLOSED ? 'error' : 'connecting');
    source.addEventListener('open', handleOpen);
    source.addEventListener('error', handleError);
    for (const name of CHANGE_EVENTS) source.addEventListener(name, handleChange);
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [enabled, queryClient]);

  return enabled ? state : 'off';
}
