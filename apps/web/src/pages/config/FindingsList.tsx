import type { EditorDiagnostic } from '../../editor/diagnostics';

/** The markers of the editor as a list a screen reader (and a test) can read, line by line. */
export function FindingsList({ diagnostics }: { diagnostics: readonly EditorDiagnostic[] }) {
  if (diagnostics.length === 0) {
    return (
      <p className="muted small" data-testid="findings-empty">
        No findings.
      </p>
    );
  }
  return (
    <ul className="findings" aria-label="Findings">
      {[...diagnostics]
        .sort((a, b) => a.line - b.line)
        .map((d, i) => (
          <li key={i} className={`findings__item findings__item--${d.severity}`} data-code={d.source}>
            <span className="findings__line">line {d.line}</span>
            <span>{d.message}</span>
          </li>
        ))}
    </ul>
  );
}
