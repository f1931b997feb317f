/**
 * The in-cluster dashboards `sextant dashboard` opens, found the way `istioctl dashboard` finds
 * them: by the labels Istio's addon manifests (samples/addons) put on their pods.
 */
export const ADDON_NAMES = ['sextant', 'prometheus', 'grafana', 'jaeger', 'kiali'] as const;
export type AddonName = (typeof ADDON_NAMES)[number];

export interface Addon {
  /** Pod labels (all must match). */
  labels: Record<string, string>;
  /** Container port the UI listens on; also the local port tried first. */
  port: number;
  /** Path of the UI, appended to the printed URL. */
  path: string;
}

export const ADDONS: Record<AddonName, Addon> = {
  // deploy/base/sextant.yaml
  sextant: { labels: { app: 'sextant' }, port: 20001, path: '' },
  prometheus: { labels: { 'app.kubernetes.io/name': 'prometheus' }, port: 9090, path: '' },
  grafana: { labels: { 'app.kubernetes.io/name': 'grafana' }, port: 3000, path: '' },
  jaeger: { labels: { app: 'jaeger' }, port: 16686, path: '' },
  kiali: { labels: { app: 'kiali' }, port: 20001, path: '/kiali' },
};

export const isAddonName = (name: string): name is AddonName =>
  (ADDON_NAMES as readonly string[]).includes(name);
