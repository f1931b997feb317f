import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IstioList, IstioObjectWithValidations } from '@sextant/shared';
import { z } from 'zod';
import { apiGet, apiSend } from './client';
import { queryKeys } from './queries';
import { istioObjectQuery, routingKeys } from './routing';

/** Keys of the Istio config pages; all under `routingKeys.istioAll`, so one write refreshes them all. */
export const istioConfigKeys = {
  // An object in the key cannot collide with a namespace name in `routingKeys.istioObject`.
  list: (namespace: string | undefined) => [...routingKeys.istioAll, { list: namespace ?? '' }] as const,
};

const enc = encodeURIComponent;
const objectPath = (ns: string, resource: string, name: string) =>
  `/istio/${enc(ns)}/${enc(resource)}/${enc(name)}`;

export function istioListQuery(namespace: string | undefined) {
  return queryOptions({
    queryKey: istioConfigKeys.list(namespace),
    queryFn: ({ signal }) =>
      apiGet(namespace ? `/istio?namespace=${enc(namespace)}` : '/istio', IstioList, signal),
  });
}

export const useIstioList = (namespace: string | undefined) => useQuery(istioListQuery(namespace));
export const useIstioObject = (ns: string, resource: string, name: string) =>
  useQuery(istioObjectQuery(ns, resource, name));

function useInvalidateIstio() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: routingKeys.istioAll }),
      client.invalidateQueries({ queryKey: queryKeys.graphAll }),
      client.invalidateQueries({ queryKey: ['service'] }),
    ]);
}

/** What the object page sends: the edited object, as parsed from its YAML. */
export interface IstioWrite {
  namespace: string;
  resource: string;
  name?: string;
  body: unknown;
  dryRun: boolean;
  /** Save despite error-level findings; the person confirmed after seeing them. */
  force?: boolean;
}

/** PUT (name given) or POST; a dry run validates on the server and changes nothing, so it invalidates nothing. */
export function useIstioWrite() {
  const invalidate = useInvalidateIstio();
  return useMutation({
    mutationFn: ({ namespace, resource, name, body, dryRun, force }: IstioWrite) => {
      const query = dryRun ? '?dryRun=true' : force ? '?force=true' : '';
      return name === undefined
        ? apiSend(
            'POST',
            `/istio/${enc(namespace)}/${enc(resource)}${query}`,
            body,
            IstioObjectWithValidations,
          )
        : apiSend(
            'PUT',
            `${objectPath(namespace, resource, name)}${query}`,
            body,
            IstioObjectWithValidations,
          );
    },
    onSuccess: (_data, write) => (write.dryRun ? undefined : invalidate()),
  });
}

export function useIstioDelete() {
  const invalidate = useInvalidateIstio();
  return useMutation({
    mutationFn: ({
      namespace,
      resource,
      name,
      resourceVersion,
    }: {
      namespace: string;
      resource: string;
      name: string;
      resourceVersion?: string;
    }) =>
      apiSend(
        'DELETE',
        `${objectPath(namespace, resource, name)}${resourceVersion ? `?resourceVersion=${enc(resourceVersion)}` : ''}`,
        undefined,
        z.unknown(),
      ),
    onSuccess: invalidate,
  });
}
