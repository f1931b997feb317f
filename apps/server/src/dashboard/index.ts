export { ADDON_NAMES, ADDONS, isAddonName } from './addons';
export type { Addon, AddonName } from './addons';
export { registerDashboardCommand } from './command';
export { discoverPrometheus, parseServiceRef, prometheusForServe } from './discoverPrometheus';
export type {
  DiscoveredPrometheus,
  DiscoverPrometheusOptions,
  PrometheusForServeOptions,
} from './discoverPrometheus';
