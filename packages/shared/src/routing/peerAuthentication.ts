import { z } from 'zod';
import type { PolicyIssue } from './routePolicy';
import { ResourceVersion, strictObject } from './strictFields';

export const MTLS_MODES = ['STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET'] as const;
export type MtlsMode = (typeof MTLS_MODES)[number];

/** `POST /api/namespaces/:ns/peer-authentication` body: the mTLS mode of a namespace or a workload. */
export const PeerAuthenticationRequest = strictObject({
  mode: z.enum(MTLS_MODES),
  /** Absent: the namespace-wide PeerAuthentication; present: one selecting these pod labels. */
  workload: strictObject({ labels: z.record(z.string().max(317), z.string().max(63)) }).optional(),
  /** The PeerAuthentication to create or update; default `default`, or `<app>-mtls` for a workload. */
  name: z.string().optional(),
  resourceVersion: ResourceVersion.optional(),
});
export type PeerAuthenticationRequest = z.infer<typeof PeerAuthenticationRequest>;

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** The name the PeerAuthentication gets when the request gives none. */
export const peerAuthenticationName = (req: Pick<PeerAuthenticationRequest, 'name' | 'workload'>): string =>
  req.name ?? (req.workload ? `${req.workload.labels.app ?? 'workload'}-mtls` : 'default');

/** Every mistake, each naming its field (`workload.labels.app`, `name`). */
export function validatePeerAuthentication(req: PeerAuthenticationRequest): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  if (req.name !== undefined && (!DNS1123.test(req.name) || req.name.length > 253)) {
    issues.push({
      field: 'name',
      message: `name: lower-case letters, digits and '-', starting and ending with a letter or digit, got "${req.name}".`,
    });
  }
  if (req.workload) {
    const labels = Object.entries(req.workload.labels);
    if (labels.length === 0) {
      issues.push({
        field: 'workload.labels',
        message: 'workload.labels: give at least one label, or leave out workload for the whole namespace.',
      });
    }
    for (const [k, v] of labels) {
      const field = `workload.labels.${k}`;
      if (!LABEL_NAME.test(k)) issues.push({ field, message: `${field}: not a valid label name.` });
      else if (v === '') issues.push({ field, message: `${field}: must not be empty.` });
      else if (!LABEL_VALUE.test(v))
        issues.push({ field, message: `${field}: not a valid label value, got "${v}".` });
    }
  }
  return issues;
}
