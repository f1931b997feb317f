import { useId, useState } from 'react';
import { parseFindHide } from '../../graph/findHide';

interface ExpressionBoxProps {
  label: 'Find' | 'Hide';
  value: string;
  placeholder: string;
  onCommit: (value: string) => void;
  /** How many elements the committed expression matched, shown as a hint. */
  matchCount: number | null;
}

/** One expression box: validated as you type, applied on Enter or when focus leaves. */
function ExpressionBox({ label, value, placeholder, onCommit, matchCount }: ExpressionBoxProps) {
  const [draft, setDraft] = useState(value);
  const id = useId();
  const result = parseFindHide(draft);
  const error = result.ok ? null : result.error;
  const commit = () => {
    if (!error && draft.trim() !== value) onCommit(draft.trim());
  };
  return (
    <div className="expression">
      <label className="expression__label" htmlFor={id}>
        {label}
      </label>
      <div className="expression__input">
        <input
          id={id}
          type="search"
          spellCheck={false}
          autoComplete="off"
          value={draft}
          placeholder={placeholder}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-message`}
          onChange={(event) => setDraft(event.target.value)}
          onBlur={commit}
          onKeyDown={(event) => {
            if (event.key === 'Enter') commit();
            if (event.key === 'Escape') {
              setDraft('');
              onCommit('');
            }
          }}
        />
        {value && !error ? (
          <span className="expression__count" aria-hidden="true">
            {matchCount ?? 0}
          </span>
        ) : null}
      </div>
      <div
        id={`${id}-message`}
        className={error ? 'expression__error' : 'expression__hint'}
        role={error ? 'alert' : undefined}
      >
        {error
          ? `${error.message} (column ${error.position + 1})`
          : value
            ? `${label === 'Find' ? 'Highlighting' : 'Hiding'} ${matchCount ?? 0} ${matchCount === 1 ? 'element' : 'elements'}`
            : ''}
      </div>
    </div>
  );
}

export interface FindHideBarProps {
  find: string;
  hide: string;
  onChange: (patch: { find?: string; hide?: string }) => void;
  foundCount: number | null;
  hiddenCount: number | null;
}

export function FindHideBar({ find, hide, onChange, foundCount, hiddenCount }: FindHideBarProps) {
  return (
    <div className="find-hide" role="search" aria-label="Find and hide">
      {/* Keyed by the URL value so back/forward navigation resets the draft. */}
      <ExpressionBox
        key={`find:${find}`}
        label="Find"
        value={find}
        placeholder="e.g. error > 1% or version = v2"
        onCommit={(value) => onChange({ find: value })}
        matchCount={foundCount}
      />
      <ExpressionBox
        key={`hide:${hide}`}
        label="Hide"
        value={hide}
        placeholder="e.g. idle or ns = curl"
        onCommit={(value) => onChange({ hide: value })}
        matchCount={hiddenCount}
      />
      <details className="find-hide__help">
        <summary>Syntax</summary>
        <div className="find-hide__help-body">
          <p>
            Compare a field with <code>=</code> <code>!=</code> <code>&gt;</code> <code>&gt;=</code>{' '}
            <code>&lt;</code> <code>&lt;=</code>, combine with <code>and</code>, <code>or</code>,{' '}
            <code>not</code> and parentheses.
          </p>
          <p>
            Nodes: <code>ns</code> <code>app</code> <code>version</code> <code>workload</code>{' '}
            <code>service</code> <code>name</code> <code>type</code> <code>health</code> <code>sidecar</code>{' '}
            <code>badge</code> <code>rps</code> <code>rpsout</code> <code>error</code> <code>idle</code>
          </p>
          <p>
            Edges: <code>rps</code> <code>error</code> <code>mtls</code> <code>percent</code>{' '}
            <code>weight</code> <code>p50</code> <code>p95</code> <code>p99</code> <code>protocol</code>{' '}
            <code>idle</code>
          </p>
          <p>
            Examples: <code>rps &gt; 10</code> · <code>error &gt; 1%</code> · <code>mtls &lt; 100</code> ·{' '}
            <code>p95 &gt; 200ms</code> · <code>app = rev*</code> · <code>sidecar = false</code>
          </p>
        </div>
      </details>
    </div>
  );
}
