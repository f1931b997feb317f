/**
 * The kubeconfig mesh-sim writes: one cluster pinned to its CA and a context per user —
 * admin (cluster-admin), viewer (`view` everywhere) and bookinfo editor (`view` everywhere,
 * edits Istio objects in `bookinfo`). What each may do comes from RBAC objects in the cluster.
 */
import YAML from 'yaml';
import type { Tokens } from '../kube/auth';

export const ADMIN_CONTEXT = 'mesh-sim-admin';
export const VIEWER_CONTEXT = 'mesh-sim-viewer';
export const BOOKINFO_EDITOR_CONTEXT = 'mesh-sim-bookinfo-editor';

export function renderKubeconfig(opts: {
  server: string;
  caPem: string;
  tokens: Tokens;
  namespace?: string;
}): string {
  const namespace = opts.namespace ?? 'default';
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [
      {
        name: 'mesh-sim',
        cluster: {
          server: opts.server,
          'certificate-authority-data': Buffer.from(opts.caPem).toString('base64'),
        },
      },
    ],
    users: [
      { name: ADMIN_CONTEXT, user: { token: opts.tokens.admin } },
      { name: VIEWER_CONTEXT, user: { token: opts.tokens.viewer } },
      { name: BOOKINFO_EDITOR_CONTEXT, user: { token: opts.tokens.bookinfoEditor } },
    ],
    contexts: [
      { name: ADMIN_CONTEXT, context: { cluster: 'mesh-sim', user: ADMIN_CONTEXT, namespace } },
      { name: VIEWER_CONTEXT, context: { cluster: 'mesh-sim', user: VIEWER_CONTEXT, namespace } },
      {
        name: BOOKINFO_EDITOR_CONTEXT,
        context: { cluster: 'mesh-sim', user: BOOKINFO_EDITOR_CONTEXT, namespace },
      },
    ],
    'current-context': ADMIN_CONTEXT,
  });
}
