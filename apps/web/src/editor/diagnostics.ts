import type { Validation } from '@sextant/shared';
import { parseDocument } from 'yaml';
import { spanOfPath } from './yamlPath';

/** A marker in the editor: offsets into the text, with what to say there. */
export interface EditorDiagnostic {
  from: number;
  to: number;
  line: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** `yaml` for parse errors, else the validation code (SX1002). */
  source: string;
}

/** The text parsed as one YAML document, or the parse errors at their positions. */
export function parseYaml(text: string): { value: unknown; diagnostics: EditorDiagnostic[] } {
  const doc = parseDocument(text, { prettyErrors: true });
  const diagnostics = doc.errors.map((e) => ({
    from: e.pos[0],
    to: Math.max(e.pos[1], e.pos[0]),
    line: e.linePos?.[0].line ?? 1,
    severity: 'error' as const,
    // prettyErrors appends a source excerpt after the first line; the marker shows it already.
    message: (e.message.split('\n')[0] ?? e.message).trim(),
    source: 'yaml',
  }));
  return { value: diagnostics.length > 0 ? undefined : (doc.toJS() as unknown), diagnostics };
}

/** The server's findings placed on the lines their paths name (a missing field marks its parent). */
export function validationDiagnostics(text: string, validations: readonly Validation[]): EditorDiagnostic[] {
  return validations.flatMap((v) => {
    const span = spanOfPath(text, v.path);
    if (!span) return [];
    return [
      {
        from: span.from,
        to: span.to,
        line: span.line,
        severity: v.severity,
        message: `${v.code}: ${v.message}${span.exact ? '' : ` (at ${v.path})`}`,
        source: v.code,
      },
    ];
  });
}
