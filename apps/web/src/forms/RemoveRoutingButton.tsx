import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { istioObjectQuery, serviceQuery, useRemoveRouting } from '../api/routing';
import { ErrorNotice, useEditPermission } from './formSafety';
import './forms.css';

/**
 * "Remove routing": deletes the service's VirtualService after an explicit confirmation that
 * names it; refused when it changed since this page loaded it. The history can undo it.
 */
export function RemoveRoutingButton({ namespace, service }: { namespace: string; service: string }) {
  const svc = useQuery(serviceQuery(namespace, service));
  const vsRef = svc.data?.istioConfig.find((r) => r.kind === 'VirtualService' && r.namespace === namespace);
  const vs = useQuery(istioObjectQuery(namespace, 'virtualservices', vsRef?.name));
  const { canEdit, refusal } = useEditPermission(namespace);
  const remove = useRemoveRouting(namespace, service);
  const [confirming, setConfirming] = useState(false);

  if (!vsRef) {
    return remove.isSuccess ? (
      <p className="note" role="status">
        Routing removed. Roll it back from the history if you need it again.
      </p>
    ) : null;
  }
  return (
    <div className="remove-routing">
      {confirming ? (
        <div className="note note--warning" role="alertdialog" aria-label="Confirm removing routing">
          <p>
            Delete VirtualService <strong>{vsRef.name}</strong>? Its weights, match rules, timeouts, retries
            and faults stop applying at once, and requests spread over every version of {service}.
            DestinationRules stay.
          </p>
          <div className="shift-form__actions">
            <button
              type="button"
              className="button button--danger-solid"
              disabled={!canEdit || remove.isPending}
              onClick={() =>
                remove.mutate(vs.data?.object.metadata.resourceVersion, {
                  onSettled: () => setConfirming(false),
                })
              }
            >
              Delete {vsRef.name}
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          className="button"
          disabled={!canEdit}
          title={refusal}
          onClick={() => {
            remove.reset();
            setConfirming(true);
          }}
        >
          Remove routing…
        </button>
      )}
      <ErrorNotice error={remove.error} />
    </div>
  );
}
