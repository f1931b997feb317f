import { useCallback, useMemo } from 'react';
import { navigate, useLocation } from '../../app/router';
import { formatGraphParams, parseGraphParams, type GraphParams } from './graphParams';

export type UpdateGraphParams = (patch: Partial<GraphParams>, options?: { replace?: boolean }) => void;

/** The graph page's typed URL state and a setter that writes it back to the address bar. */
export function useGraphParams(): [GraphParams, UpdateGraphParams] {
  const { pathname, search } = useLocation();
  const params = useMemo(() => parseGraphParams(search), [search]);
  const update = useCallback<UpdateGraphParams>(
    (patch, options) => {
      // Read the live URL, not the render's copy: two updates in one event must not undo each other.
      const next = { ...parseGraphParams(window.location.search), ...patch };
      navigate(pathname + formatGraphParams(next), options);
    },
    [pathname],
  );
  return [params, update];
}
