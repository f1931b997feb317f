import { z } from 'zod';

/**
 * Building blocks of the Istio schemas. Every object schema is loose (`z.looseObject`): Sextant
 * types the fields it reads and carries every other field through untouched, so an object read,
 * edited in a form and written back keeps what Sextant does not know about.
 *
 * The schemas have no defaults, transforms or coercions: a value that parses is already of its
 * type, which lets the cache keep the object it received (see `parseIstioObject`).
 */

/** `metadata` of a Kubernetes object; `name` is the only field every object has. */
export const ObjectMeta = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  resourceVersion: z.string().optional(),
  uid: z.string().optional(),
  generation: z.number().optional(),
  creationTimestamp: z.string().optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;

/** Label map, e.g. a subset's `labels` or a Sidecar's `workloadSelector.labels`. */
export const Labels = z.record(z.string(), z.string());
export type Labels = z.infer<typeof Labels>;

/** `selector` of the security kinds (`matchLabels`); absent means the whole namespace. */
export const WorkloadSelector = z.looseObject({ matchLabels: Labels.optional() });
export type WorkloadSelector = z.infer<typeof WorkloadSelector>;

/** Istio's StringMatch: one of exact, prefix, regex (the CRD does not force one). */
export const IstioStringMatch = z.looseObject({
  exact: z.string().optional(),
  prefix: z.string().optional(),
  regex: z.string().optional(),
});
export type IstioStringMatch = z.infer<typeof IstioStringMatch>;

/** A port by number (`port: { number: 9080 }`). */
export const PortSelector = z.looseObject({ number: z.number().optional() });
export type PortSelector = z.infer<typeof PortSelector>;

/** `percentage: { value: 50 }`: a share of requests, 0–100, fractions allowed. */
export const Percent = z.looseObject({ value: z.number().optional() });
export type Percent = z.infer<typeof Percent>;

/** The fields every Istio object shares; `kind` fixes which one. */
export const istioObject = <K extends string, S extends z.ZodType>(kind: K, spec: S) =>
  z.looseObject({
    apiVersion: z.string().optional(),
    kind: z.literal(kind),
    metadata: ObjectMeta,
    spec: spec.optional(),
  });
