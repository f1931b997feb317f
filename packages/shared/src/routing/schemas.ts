import { z } from 'zod';
import { IstioObjectWithValidations } from '../api/resources';
import { ResourceVersion, strictObject } from './strictFields';

/** `POST /api/namespaces/:ns/services/:svc/traffic-shift` body. */
export const TrafficShiftRequest = strictObject({
  /** Percent per DestinationRule subset; checked with `validateWeights`. */
  weights: z.record(z.string().min(1).max(253), z.number()),
  /** The VirtualService's resourceVersion the form was built on; a newer one answers 409. */
  resourceVersion: ResourceVersion.optional(),
});
export type TrafficShiftRequest = z.infer<typeof TrafficShiftRequest>;

/** A Kubernetes object as it travels in change payloads: any fields, metadata kept. */
export const KubeObjectJson = IstioObjectWithValidations.shape.object;
export type KubeObjectJson = z.infer<typeof KubeObjectJson>;

/** One object a change creates, updates or deletes; `before` null: created, `after` null: deleted. */
export const ObjectChange = z.object({
  resource: z.enum(['virtualservices', 'destinationrules', 'peerauthentications']),
  name: z.string(),
  before: KubeObjectJson.nullable(),
  after: KubeObjectJson.nullable(),
});
export type ObjectChange = z.infer<typeof ObjectChange>;

/** The endpoint's answer; with `?dryRun=true` nothing was written and `applied` is false. */
export const TrafficShiftResponse = z.object({
  applied: z.boolean(),
  changes: z.array(ObjectChange),
  /** Unified YAML diff of every change, the exact text the form previews. */
  diff: z.string(),
  /** The history entry recorded for an applied change. */
  historyId: z.string().optional(),
});
export type TrafficShiftResponse = z.infer<typeof TrafficShiftResponse>;

/** One change Sextant made, as kept in the history (JSON lines under `--state-dir`). */
export const HistoryEntry = z.object({
  id: z.string(),
  /** ISO time. */
  at: z.string(),
  user: z.string(),
  namespace: z.string(),
  /** Absent for a change to the namespace (a PeerAuthentication); older entries always have one. */
  service: z.string().optional(),
  action: z.enum([
    'traffic-shift',
    'route-policy',
    'destination-policy',
    'request-routing',
    'peer-authentication',
    'remove-routing',
    'rollback',
  ]),
  /** For a rollback: the entry it undid. */
  rollbackOf: z.string().optional(),
  summary: z.string(),
  changes: z.array(ObjectChange),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** `GET /api/history?namespace=&service=`, newest first. */
export const HistoryList = z.object({ entries: z.array(HistoryEntry) });
export type HistoryList = z.infer<typeof HistoryList>;

export const RollbackResponse = z.object({ entry: HistoryEntry, diff: z.string() });
export type RollbackResponse = z.infer<typeof RollbackResponse>;
