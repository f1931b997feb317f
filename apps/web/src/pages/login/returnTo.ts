/**
 * The page to open after signing in, from `?returnTo=`: only a path on this site, never another
 * origin (`//evil.example`, `/\evil.example`), and never the sign-in page itself.
 */
export function returnToFrom(search: string): string {
  const value = new URLSearchParams(search).get('returnTo') ?? '';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/graph';
  if (value === '/login' || value.startsWith('/login?')) return '/graph';
  return value;
}

/** `/login?returnTo=…` for the page the person is on now. */
export function loginPath(pathname: string, search: string): string {
  if (pathname === '/login') return `/login${search}`;
  return `/login?${new URLSearchParams({ returnTo: `${pathname}${search}` }).toString()}`;
}
