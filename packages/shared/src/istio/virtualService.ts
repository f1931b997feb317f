import { z } from 'zod';
import { IstioStringMatch, Labels, Percent, PortSelector, istioObject } from './common';

/** Where a route sends requests: a host (short name, FQDN or ServiceEntry host), maybe a subset. */
export const Destination = z.looseObject({
  host: z.string(),
  subset: z.string().optional(),
  port: PortSelector.optional(),
});
export type Destination = z.infer<typeof Destination>;

/** One weighted destination of a route; `weight` absent means 100 for a lone destination. */
export const RouteDestination = z.looseObject({
  destination: Destination,
  weight: z.number().optional(),
});
export type RouteDestination = z.infer<typeof RouteDestination>;

/**
 * One match block of an HTTP route; every condition in it must hold, and the blocks of a route
 * are alternatives. `name`, `ignoreUriCase`, `uri.prefix: /` narrow nothing (see
 * `matchesEveryRequest`).
 */
export const HttpMatchRequest = z.looseObject({
  name: z.string().optional(),
  uri: IstioStringMatch.optional(),
  method: IstioStringMatch.optional(),
  authority: IstioStringMatch.optional(),
  scheme: IstioStringMatch.optional(),
  headers: z.record(z.string(), IstioStringMatch).optional(),
  withoutHeaders: z.record(z.string(), IstioStringMatch).optional(),
  queryParams: z.record(z.string(), IstioStringMatch).optional(),
  ignoreUriCase: z.boolean().optional(),
  port: z.number().optional(),
  sourceLabels: Labels.optional(),
  sourceNamespace: z.string().optional(),
  gateways: z.array(z.string()).optional(),
});
export type HttpMatchRequest = z.infer<typeof HttpMatchRequest>;

export const HttpRetry = z.looseObject({
  attempts: z.number().optional(),
  perTryTimeout: z.string().optional(),
  retryOn: z.string().optional(),
});
export type HttpRetry = z.infer<typeof HttpRetry>;

/** Fault injection; `percentage` absent means every request. `percent` is Istio's older integer form. */
export const HttpFault = z.looseObject({
  delay: z
    .looseObject({
      fixedDelay: z.string().optional(),
      percentage: Percent.optional(),
      percent: z.number().optional(),
    })
    .optional(),
  abort: z
    .looseObject({
      httpStatus: z.number().optional(),
      grpcStatus: z.string().optional(),
      percentage: Percent.optional(),
    })
    .optional(),
});
export type HttpFault = z.infer<typeof HttpFault>;

/** One rule of `spec.http`: requests matching `match` (all when absent) go to `route`. */
export const HttpRoute = z.looseObject({
  name: z.string().optional(),
  match: z.array(HttpMatchRequest).optional(),
  route: z.array(RouteDestination).optional(),
  timeout: z.string().optional(),
  retries: HttpRetry.optional(),
  fault: HttpFault.optional(),
  mirror: Destination.optional(),
  mirrors: z.array(z.looseObject({ destination: Destination, percentage: Percent.optional() })).optional(),
  mirrorPercentage: Percent.optional(),
});
export type HttpRoute = z.infer<typeof HttpRoute>;

/** One rule of `spec.tcp` or `spec.tls`. */
export const L4Route = z.looseObject({
  match: z.array(z.looseObject({ port: z.number().optional() })).optional(),
  route: z.array(RouteDestination).optional(),
});
export type L4Route = z.infer<typeof L4Route>;

export const VirtualServiceSpec = z.looseObject({
  /** Hosts the rules apply to; a short name is read in the VirtualService's namespace. */
  hosts: z.array(z.string()).optional(),
  /** Gateways (`ns/name`) and/or `mesh` (the sidecars); absent means `mesh` only. */
  gateways: z.array(z.string()).optional(),
  exportTo: z.array(z.string()).optional(),
  http: z.array(HttpRoute).optional(),
  tcp: z.array(L4Route).optional(),
  tls: z.array(L4Route).optional(),
});
export type VirtualServiceSpec = z.infer<typeof VirtualServiceSpec>;

export const VirtualService = istioObject('VirtualService', VirtualServiceSpec);
export type VirtualService = z.infer<typeof VirtualService>;
