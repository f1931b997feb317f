import { useLocation } from '../../app/router';
import { IstioConfigPage } from './IstioConfigPage';
import { IstioCreatePage } from './IstioCreatePage';
import { IstioObjectPage } from './IstioObjectPage';

/** The `/istio` section: list, `/istio/new`, and `/istio/:namespace/:resource/:name`. */
export function IstioRoutes() {
  const { pathname } = useLocation();
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[1] === 'new' && parts.length === 2) return <IstioCreatePage />;
  const [, namespace, resource, name] = parts;
  if (namespace && resource && name && parts.length === 4) {
    return <IstioObjectPage key={pathname} namespace={namespace} resource={resource} name={name} />;
  }
  return <IstioConfigPage />;
}
