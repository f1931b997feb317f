import type { EditorDiagnostic } from '../../editor/diagnostics';

/**
 * Asks before saving an object with error-level findings: the server refuses such a save unless
 * the person confirms, so what would break is listed, line by line, next to the choice.
 */
export function SaveWithErrorsDialog({
  errors,
  pending,
  onConfirm,
  onCancel,
}: {
  errors: readonly EditorDiagnostic[];
  pending: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const n = errors.length;
  return (
    <div
      className="banner banner--error config-object__confirm config-object__confirm--save"
      role="alertdialog"
      aria-label="Confirm save with errors"
    >
      <p>
        This object has {n} error{n === 1 ? '' : 's'}. Saved as it is, Istio applies it and the traffic it
        routes may fail:
      </p>
      <ul className="findings" aria-label="Errors to confirm">
        {[...errors]
          .sort((a, b) => a.line - b.line)
          .map((d, i) => (
            <li key={i} className="findings__item findings__item--error" data-code={d.source}>
              <span className="findings__line">line {d.line}</span>
              <span>{d.message}</span>
            </li>
          ))}
      </ul>
      <div className="config-object__actions">
        <button type="button" className="button button--danger" onClick={onConfirm} disabled={pending}>
          Save anyway
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
