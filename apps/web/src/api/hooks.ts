import { useQuery } from '@tanstack/react-query';
import { authInfoQuery, graphQuery, namespacesQuery, serverStatusQuery, type GraphRequest } from './queries';

export function useNamespaces() {
  return useQuery(namespacesQuery());
}

export function useAuthInfo() {
  return useQuery(authInfoQuery());
}

export function useGraph(request: GraphRequest, refetchIntervalMs: number | false) {
  return useQuery(graphQuery(request, refetchIntervalMs));
}

export function useServerStatus() {
  return useQuery(serverStatusQuery());
}
