/** Payload schemas come from `@sextant/shared` (STYLE.md §6); this file only names the ones the web app uses. */
export { AuthInfo, NamespaceList, type NamespaceSummary as NamespaceInfo } from '@sextant/shared';
