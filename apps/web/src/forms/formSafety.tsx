import type { ReactNode } from 'react';
import { yamlDiff, type KubeObjectJson, type TrafficShiftResponse } from '@sextant/shared';
import { ApiError, useAuthInfo } from '../api';
import { DiffView } from './DiffView';

/** May this person change routing in `namespace`; when not, the reason in words (asked up front). */
export function useEditPermission(namespace: string): { canEdit: boolean; refusal?: string } {
  const auth = useAuthInfo();
  const permission = auth.data?.permissions[namespace];
  const canEdit = auth.data !== undefined && !auth.data.readOnly && permission?.canEdit === true;
  const refusal = auth.isPending
    ? 'Checking whether you may change routing here…'
    : auth.isError
      ? `Sextant could not check your permissions: ${auth.error.message}`
      : auth.data?.readOnly
        ? 'Sextant runs read-only (--read-only): routing cannot be changed from here.'
        : !canEdit
          ? `You can view but not change routing in ${namespace}. ${permission?.reason ?? 'Your Kubernetes user may not update VirtualServices here.'}`
          : undefined;
  return { canEdit, refusal };
}

/** The VirtualService as a change left it. */
export const virtualServiceAfter = (changes: TrafficShiftResponse['changes']): KubeObjectJson | null =>
  changes.find((c) => c.resource === 'virtualservices')?.after ?? null;

/** The first 409 among `errors`, and the object as it is now (the server sends it along). */
export function findConflict(
  errors: readonly unknown[],
): { error: ApiError; current: KubeObjectJson | null } | undefined {
  const error = errors.find((e): e is ApiError => e instanceof ApiError && e.status === 409);
  if (!error) return undefined;
  const details = error.details;
  const current =
    typeof details === 'object' && details !== null && 'current' in details
      ? (details as { current: unknown }).current
      : null;
  return {
    error,
    current:
      typeof current === 'object' && current !== null && 'metadata' in current
        ? (current as KubeObjectJson)
        : null,
  };
}

/**
 * A form's failures, split the way every routing form shows them: a 409 (from the apply or the
 * dry run) becomes the conflict view; anything else is shown in words. A preview error is ignored
 * while the preview refetches, so a fixed field clears its old error at once.
 */
export function routingErrors(
  changeError: unknown,
  preview: { error: unknown; isFetching: boolean },
): { conflict: ReturnType<typeof findConflict>; otherError: unknown } {
  return {
    conflict: findConflict([changeError, preview.error]),
    otherError: [changeError, preview.isFetching ? null : preview.error].find(
      (e) => e instanceof Error && !(e instanceof ApiError && e.status === 409),
    ),
  };
}

/** Someone else changed the object: what changed, and re-applying on the latest version. */
export function ConflictNotice({
  label,
  base,
  current,
  disabled,
  onReapply,
}: {
  label: string;
  base: KubeObjectJson | null;
  current: KubeObjectJson | null;
  disabled: boolean;
  onReapply: () => void;
}) {
  return (
    <div className="note note--warning shift-form__conflict" role="alert">
      <p>
        <strong>Someone changed this routing since you opened the form.</strong> Your change was not applied.
        This is what changed:
      </p>
      <DiffView diff={yamlDiff(label, base, current)} label="Changes made by someone else" />
      <button
        type="button"
        className="button button--primary"
        disabled={disabled || !current}
        onClick={onReapply}
      >
        Re-apply on the latest version
      </button>
    </div>
  );
}

/** The server's dry-run diff of exactly what Apply will write, or a note while it is prepared. */
export function ChangePreview({
  diff,
  label,
  className,
}: {
  diff: string | undefined;
  label: string;
  className?: string;
}) {
  return (
    <div className={className}>
      <h3 className="panel-section__title">What will change</h3>
      {diff !== undefined ? (
        <DiffView diff={diff} label={label} />
      ) : (
        <p className="muted small">Preparing the preview…</p>
      )}
    </div>
  );
}

/** Any other failure, in words; a 403 says it is a refusal. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (!(error instanceof Error)) return null;
  return (
    <p className="note note--warning" role="alert">
      {error instanceof ApiError && error.status === 403 ? 'Not allowed: ' : ''}
      {error.message}
    </p>
  );
}

/** Apply and Reset, the same on every routing form. */
export function FormActions({
  applyLabel,
  pending,
  applyDisabled,
  resetDisabled,
  onApply,
  onReset,
  children,
}: {
  applyLabel: string;
  pending: boolean;
  applyDisabled: boolean;
  resetDisabled: boolean;
  onApply: () => void;
  onReset: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="shift-form__actions">
      <button type="button" className="button button--primary" disabled={applyDisabled} onClick={onApply}>
        {pending ? 'Applying…' : applyLabel}
      </button>
      <button type="button" className="button" disabled={resetDisabled} onClick={onReset}>
        Reset
      </button>
      {children}
    </div>
  );
}
