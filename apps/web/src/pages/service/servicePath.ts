/** `/services/:namespace/:name`, the service page's address. */
export const servicePath = (namespace: string, name: string): string =>
  `/services/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;

/** The namespace and name in a service page's path, or undefined for any other path. */
export function parseServicePath(pathname: string): { namespace: string; name: string } | undefined {
  const m = /^\/services\/([^/]+)\/([^/]+)\/?$/.exec(pathname);
  if (!m?.[1] || !m[2]) return undefined;
  return { namespace: decodeURIComponent(m[1]), name: decodeURIComponent(m[2]) };
}
