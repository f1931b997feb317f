import { Suspense, createContext, lazy, useContext, useEffect, type MouseEvent, type ReactNode } from 'react';
import { useAuthInfo } from '../api';
import { useSignOut } from '../api/auth';
import { LoginPage } from '../pages/login/LoginPage';
import { loginPath } from '../pages/login/returnTo';
import { GraphPage } from '../pages/graph/GraphPage';
import { NotYetPage } from '../pages/NotYetPage';
import { parseServicePath } from '../pages/service/servicePath';
import { navigate, useLocation } from './router';
import { StaleBanner } from './StaleBanner';
import { useTheme, type Theme } from './theme';

// PERFORMANCE: the config and service pages carry CodeMirror and the forms; loading them on demand
// keeps the graph page's first requests from waiting behind code it does not use.
const IstioRoutes = lazy(() =>
  import('../pages/config/IstioRoutes').then((m) => ({ default: m.IstioRoutes })),
);
const ServicePage = lazy(() =>
  import('../pages/service/ServicePage').then((m) => ({ default: m.ServicePage })),
);

const ThemeContext = createContext<Theme>('light');

/** The active colour theme, for components that draw outside CSS (the graph canvas). */
export function useActiveTheme(): Theme {
  return useContext(ThemeContext);
}

interface NavItem {
  path: string;
  label: string;
  icon: ReactNode;
}

const NAV: readonly NavItem[] = [
  { path: '/graph', label: 'Graph', icon: <GraphIcon /> },
  { path: '/istio', label: 'Istio config', icon: <ConfigIcon /> },
  { path: '/services', label: 'Services', icon: <ServicesIcon /> },
];

function activeSection(pathname: string): string {
  if (pathname === '/' || pathname.startsWith('/graph')) return '/graph';
  return NAV.find((item) => pathname.startsWith(item.path))?.path ?? '';
}

function handleNavClick(event: MouseEvent<HTMLAnchorElement>, path: string) {
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(path);
}

export function App() {
  const { pathname, search } = useLocation();
  const { theme, toggleTheme } = useTheme();
  const auth = useAuthInfo();
  const signOut = useSignOut();
  // Nobody signed in, and this server wants someone: every page becomes the sign-in page.
  const needsSignIn =
    auth.data !== undefined && !auth.data.authenticated && auth.data.strategy !== 'anonymous';
  useEffect(() => {
    if (needsSignIn && pathname !== '/login') navigate(loginPath(pathname, search), { replace: true });
  }, [needsSignIn, pathname, search]);
  const section = activeSection(pathname);
  const serviceRoute = parseServicePath(pathname);

  let page: ReactNode;
  if (section === '/graph') page = <GraphPage />;
  else if (section === '/istio') page = <IstioRoutes />;
  else if (serviceRoute) page = <ServicePage namespace={serviceRoute.namespace} name={serviceRoute.name} />;
  else if (section === '/services') page = <NotYetPage title="Services" />;
  else page = <NotYetPage title="Page not found" notFound />;

  if (pathname === '/login' || needsSignIn) {
    return (
      <ThemeContext.Provider value={theme}>
        <LoginPage auth={auth.data} />
      </ThemeContext.Provider>
    );
  }

  const canSignOut =
    auth.data?.authenticated === true && (auth.data.strategy === 'token' || auth.data.strategy === 'openid');
  const handleSignOut = () =>
    signOut.mutate(undefined, { onSuccess: () => navigate('/login', { replace: true }) });

  return (
    <ThemeContext.Provider value={theme}>
      <div className="shell">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="shell__header">
          <a className="brand" href="/graph" onClick={(e) => handleNavClick(e, '/graph')}>
            <svg className="brand__mark" viewBox="0 0 16 16" aria-hidden="true">
              <path d="M8 1.5 14.5 13.5h-13z" />
              <circle cx="8" cy="9.6" r="1.7" />
            </svg>
            Sextant
          </a>
          <div className="shell__header-end">
            {auth.data?.user ? (
              <span
                className="shell__user"
                title={
                  auth.data.groups.length > 0
                    ? `Signed in (${auth.data.strategy}) · groups: ${auth.data.groups.join(', ')}`
                    : `Signed in (${auth.data.strategy})`
                }
              >
                {auth.data.user}
              </span>
            ) : null}
            {canSignOut ? (
              <button
                type="button"
                className="button shell__sign-out"
                onClick={handleSignOut}
                disabled={signOut.isPending}
              >
                Sign out
              </button>
            ) : null}
            <button
              type="button"
              className="icon-button"
              onClick={toggleTheme}
              aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
              title={theme === 'dark' ? 'Light theme' : 'Dark theme'}
            >
              {theme === 'dark' ? <SunIcon /> : <MoonIcon />}
            </button>
          </div>
        </header>
        <nav className="shell__nav" aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.path}>
                <a
                  href={item.path}
                  className="nav-link"
                  aria-current={section === item.path ? 'page' : undefined}
                  onClick={(e) => handleNavClick(e, item.path)}
                >
                  {item.icon}
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="shell__main" tabIndex={-1}>
          <StaleBanner />
          <Suspense
            fallback={
              <p className="page muted" role="status">
                Loading…
              </p>
            }
          >
            {page}
          </Suspense>
        </main>
      </div>
    </ThemeContext.Provider>
  );
}

function GraphIcon() {
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true" className="nav-icon">
      <circle cx="3.5" cy="8" r="2" />
      <circle cx="12.5" cy="3.5" r="2" />
      <circle cx="12.5" cy="12.5" r="2" />
      <path d="M5.3 7.1 10.7 4.4M5.3 8.9l5.4 2.7" />
    </svg>
  );
}

function ConfigIcon() {
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true" className="nav-icon">
      <path d="M3 2.5h7l3 3v8H3z" />
      <path d="M5.5 7.5h5M5.5 10h5" />
    </svg>
  );
}

function ServicesIcon() {
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true" className="nav-icon">
      <path d="M8 2 14 13H2z" />
    </svg>
  );
}

function SunIcon() {
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true" className="nav-icon">
      <circle cx="8" cy="8" r="3" />
      <path d="M8 1v2M8 13v2M1 8h2M13 8h2M3 3l1.4 1.4M11.6 11.6 13 13M3 13l1.4-1.4M11.6 4.4 13 3" />
    </svg>
  );
}

function MoonIcon() {
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true" className="nav-icon">
      <path d="M13.5 10.2A5.8 5.8 0 0 1 5.8 2.5a5.8 5.8 0 1 0 7.7 7.7z" />
    </svg>
  );
}
