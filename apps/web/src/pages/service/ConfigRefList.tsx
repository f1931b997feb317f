import type { ConfigRef } from '@sextant/shared';
import { navigate } from '../../app/router';
import { istioObjectPath } from '../graph/istioLinks';

/** Istio objects as links to the config page; the namespace is named when it is not `namespace`. */
export function ConfigRefList({ refs, namespace }: { refs: readonly ConfigRef[]; namespace: string }) {
  return (
    <ul className="config-list">
      {refs.map((ref) => {
        const path = istioObjectPath(ref);
        return (
          <li key={`${ref.kind}/${ref.namespace}/${ref.name}`}>
            <span className="config-list__kind">{ref.kind}</span>
            <a
              href={path}
              onClick={(event) => {
                event.preventDefault();
                navigate(path);
              }}
            >
              {ref.name}
            </a>
            {ref.namespace !== namespace ? <span className="muted small"> in {ref.namespace}</span> : null}
          </li>
        );
      })}
    </ul>
  );
}
