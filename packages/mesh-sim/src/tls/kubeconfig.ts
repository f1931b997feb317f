/** The kubeconfig mesh-sim writes: one cluster pinned to its CA, an admin and a viewer context. */
import YAML from 'yaml';
import type { Tokens } from '../kube/auth';

export const ADMIN_CONTEXT = 'mesh-sim-admin';
export const VIEWER_CONTEXT = 'mesh-sim-viewer';

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
    ],
    contexts: [
      { name: ADMIN_CONTEXT, context: { cluster: 'mesh-sim', user: ADMIN_CONTEXT, namespace } },
      { name: VIEWER_CONTEXT, context: { cluster: 'mesh-sim', user: VIEWER_CONTEXT, namespace } },
    ],
    'current-context': ADMIN_CONTEXT,
  });
}
