import './DiffView.css';
/** A unified diff, one line per row, additions and removals marked by colour and by their sign. */
export function DiffView({ diff, label }: { diff: string; label: string }) {
  if (!diff.trim()) return <p className="muted small">No change.</p>;
  const lines = diff.replace(/\n$/, '').split('\n');
  return (
    <pre className="diff-view" aria-label={label} data-testid="diff-view">
      {lines.map((line, i) => (
        <div key={i} className={`diff-view__line ${lineClass(line)}`}>
          {line || ' '}
        </div>
      ))}
    </pre>
  );
}

function lineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('Index:'))
    return 'diff-view__line--file';
  if (line.startsWith('@@')) return 'diff-view__line--hunk';
  if (line.startsWith('+')) return 'diff-view__line--add';
  if (line.startsWith('-')) return 'diff-view__line--del';
  return '';
}
