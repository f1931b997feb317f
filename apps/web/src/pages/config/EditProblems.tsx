import type { EditorDiagnostic } from '../../editor/diagnostics';
import { ISTIO_KINDS } from './configModel';

/** Why the edit cannot be sent yet, or why the server refused it: one note each, under the editor. */
export function EditProblems({
  check,
  parseErrors,
  error,
}: {
  check: { ok: true } | { ok: false; message: string } | undefined;
  parseErrors: readonly EditorDiagnostic[];
  error: Error | null;
}) {
  const first = parseErrors[0];
  return (
    <>
      {check && !check.ok ? (
        <p className="note note--warning" role="alert">
          {check.message}
        </p>
      ) : null}
      {first ? (
        <p className="note note--warning" role="alert" data-testid="yaml-error">
          The YAML does not parse (line {first.line}): {first.message}
        </p>
      ) : null}
      {error ? (
        <p className="note note--warning" role="alert">
          {error.message}
        </p>
      ) : null}
    </>
  );
}

/** One `<option>` per Istio kind, for the kind filter and the create page's templates. */
export function KindOptions() {
  return ISTIO_KINDS.map((k) => (
    <option key={k.kind} value={k.kind}>
      {k.kind}
    </option>
  ));
}
