import { useEffect, useId, useRef, useState } from 'react';
import type { NamespaceInfo } from '../../api';

export interface NamespacePickerProps {
  available: readonly NamespaceInfo[];
  selected: readonly string[];
  onChange: (namespaces: string[]) => void;
  disabled?: boolean;
}

/** A multi-select of namespaces: a button that opens a list of checkboxes. */
export function NamespacePicker({ available, selected, onChange, disabled = false }: NamespacePickerProps) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const listId = useId();

  useEffect(() => {
    if (!open) return;
    const handlePointer = (event: PointerEvent) => {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) setOpen(false);
    };
    const handleKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', handlePointer);
    document.addEventListener('keydown', handleKey);
    return () => {
      document.removeEventListener('pointerdown', handlePointer);
      document.removeEventListener('keydown', handleKey);
    };
  }, [open]);

  const toggle = (name: string) => {
    const next = selected.includes(name) ? selected.filter((n) => n !== name) : [...selected, name];
    onChange(available.map((ns) => ns.name).filter((n) => next.includes(n)));
  };

  const summary =
    selected.length === 0
      ? 'None selected'
      : selected.length <= 2
        ? selected.join(', ')
        : `${selected.slice(0, 2).join(', ')} +${selected.length - 2}`;

  return (
    <div className="field namespace-picker" ref={rootRef}>
      <span className="field__label" id={`${listId}-label`}>
        Namespaces
      </span>
      <button
        type="button"
        className="select-button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={listId}
        aria-labelledby={`${listId}-label ${listId}-value`}
        disabled={disabled}
        onClick={() => setOpen((value) => !value)}
      >
        <span id={`${listId}-value`}>{summary}</span>
        <span aria-hidden="true" className="select-button__chevron">
          ▾
        </span>
      </button>
      {open ? (
        <div className="popover" id={listId}>
          <fieldset>
            <legend className="visually-hidden">Namespaces to show</legend>
            <div className="popover__actions">
              <button
                type="button"
                className="link-button"
                onClick={() => onChange(available.map((ns) => ns.name))}
              >
                All
              </button>
            </div>
            <ul className="popover__list">
              {available.map((ns) => (
                <li key={ns.name}>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={selected.includes(ns.name)}
                      // At least one namespace stays selected: an empty list means "the defaults".
                      disabled={selected.length === 1 && selected[0] === ns.name}
                      onChange={() => toggle(ns.name)}
                    />
                    <span>{ns.name}</span>
                    {ns.istioInjection ? (
                      <span className="tag" title="Labelled for sidecar injection">
                        mesh
                      </span>
                    ) : null}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        </div>
      ) : null}
    </div>
  );
}
