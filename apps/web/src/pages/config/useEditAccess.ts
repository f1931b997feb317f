import { useAuthInfo } from '../../api';

/** May this user change Istio config in `namespace`, and if not, why (shown next to the disabled buttons). */
export function useEditAccess(namespace: string): { canEdit: boolean; reason?: string } {
  const auth = useAuthInfo();
  if (!auth.data) return { canEdit: false, reason: 'Checking your permissions…' };
  if (auth.data.readOnly) return { canEdit: false, reason: 'Sextant runs read-only: changes are disabled.' };
  const p = auth.data.permissions[namespace];
  if (p && !p.canEdit)
    return { canEdit: false, reason: p.reason ?? `You may not change Istio config in ${namespace}.` };
  return { canEdit: true };
}
