import type { ValidationState } from './configModel';

const CHIP: Record<ValidationState, string> = {
  error: 'chip--failure',
  warning: 'chip--degraded',
  info: 'chip--na',
  valid: 'chip--healthy',
};

/** The worst severity of an object's findings, in words and colour. */
export function ValidationChip({ state, count }: { state: ValidationState; count: number }) {
  const text = state === 'valid' ? 'Valid' : `${count} ${count === 1 ? 'finding' : 'findings'}`;
  return (
    <span className={`chip ${CHIP[state]}`} data-state={state}>
      {state === 'valid'
        ? text
        : `${state === 'error' ? 'Error' : state === 'warning' ? 'Warning' : 'Info'} · ${text}`}
    </span>
  );
}
