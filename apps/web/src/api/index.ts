export { ApiError } from './ApiError';
export { useAuthInfo, useGraph, useNamespaces, useServerStatus } from './hooks';
export { queryKeys, type GraphRequest } from './queries';
export { createQueryClient } from './queryClient';
export type { NamespaceInfo } from './schemas';
export { useServerEvents, type ServerEventsState } from './useServerEvents';
