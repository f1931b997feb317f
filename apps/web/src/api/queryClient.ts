import { QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError, shouldRetry } from './ApiError';
import { queryKeys } from './queries';

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      // A 401 anywhere means the session ended (expired, revoked, signed out in another tab):
      // asking who we are again lets the shell send the person to the sign-in page.
      onError: (error, query) => {
        if (
          error instanceof ApiError &&
          error.status === 401 &&
          query.queryKey[0] !== queryKeys.authInfo[0]
        ) {
          void client.invalidateQueries({ queryKey: queryKeys.authInfo });
        }
      },
    }),
    defaultOptions: {
      queries: { retry: shouldRetry, refetchOnWindowFocus: false },
    },
  });
  return client;
}
