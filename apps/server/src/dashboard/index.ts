export { ADDON_NAMES, ADDONS, isAddonName } from './addons';
export type { Addon, AddonName } from './addons';
export { registerDashboardCommand } from './command';
export { discoverPrometheus } from './discoverPrometheus';
export type { DiscoveredPrometheus, DiscoverPrometheusOptions } from './discoverPrometheus';
