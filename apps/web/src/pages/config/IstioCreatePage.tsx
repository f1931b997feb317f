import { useMemo, useState } from 'react';
import { useIstioWrite } from '../../api/istioConfig';
import { navigate, useLocation } from '../../app/router';
import { parseYaml, validationDiagnostics } from '../../editor/diagnostics';
import { YamlEditor } from '../../editor/YamlEditor';
import { istioObjectPath } from '../graph/istioLinks';
import { checkEdited, ISTIO_KINDS, kindInfo, newObjectTemplate } from './configModel';
import { EditProblems, KindOptions } from './EditProblems';
import { FindingsList } from './FindingsList';
import { useEditAccess } from './useEditAccess';
import type { Validation } from '@sextant/shared';
import './config.css';

/** `/istio/new?namespace=&kind=`: paste or write an Istio object, check it on the server, create it. */
export function IstioCreatePage() {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const startKind = kindInfo(params.get('kind') ?? '') ?? ISTIO_KINDS[0];
  const startNamespace = params.get('namespace') ?? 'default';
  const [text, setText] = useState(() => newObjectTemplate(startKind, startNamespace));
  const [findings, setFindings] = useState<{ text: string; validations: Validation[] } | null>(null);
  const write = useIstioWrite();

  const parsed = useMemo(() => parseYaml(text), [text]);
  const check = parsed.value === undefined ? undefined : checkEdited(parsed.value, {});
  const namespace = (check?.ok ? check.namespace : undefined) ?? startNamespace;
  const access = useEditAccess(namespace);
  const diagnostics = useMemo(
    () => [...parsed.diagnostics, ...(findings ? validationDiagnostics(text, findings.validations) : [])],
    [parsed.diagnostics, findings, text],
  );

  const send = (dryRun: boolean) => {
    if (!check?.ok) return;
    const checked = text;
    write.mutate(
      { namespace, resource: check.kind.plural, body: check.object, dryRun },
      {
        onSuccess: (result) => {
          if (dryRun) setFindings({ text: checked, validations: result.validations });
          else navigate(istioObjectPath({ kind: check.kind.kind, namespace, name: check.name }));
        },
      },
    );
  };

  return (
    <div className="page config-object">
      <header className="config-object__header">
        <h1 id="page-title" className="page__title">
          Create Istio object
        </h1>
        <p className="muted small">
          One object of an Istio kind ({ISTIO_KINDS.map((k) => k.kind).join(', ')}). It is created in
          metadata.namespace ({namespace}).
        </p>
      </header>
      <div className="config-object__body">
        <div className="config-object__editor">
          <div className="config-object__toolbar">
            <label className="field config-object__inline-field">
              <span className="field__label">Start from</span>
              <select
                value=""
                onChange={(e) => {
                  const k = kindInfo(e.target.value);
                  if (k) setText(newObjectTemplate(k, namespace));
                }}
              >
                <option value="">a template…</option>
                <KindOptions />
              </select>
            </label>
            <span className="toolbar__spacer" />
            <button
              type="button"
              className="button"
              disabled={!check?.ok || write.isPending}
              onClick={() => send(true)}
            >
              Check
            </button>
            <button
              type="button"
              className="button button--primary"
              disabled={!access.canEdit || !check?.ok || findings?.text !== text || write.isPending}
              title={
                findings?.text !== text
                  ? 'Check the object first: the server validates it without creating it.'
                  : undefined
              }
              onClick={() => send(false)}
            >
              Create
            </button>
          </div>
          <YamlEditor value={text} onChange={setText} diagnostics={diagnostics} label="New object YAML" />
          <EditProblems check={check} parseErrors={parsed.diagnostics} error={write.error} />
          {!access.canEdit && access.reason ? (
            <p className="note note--warning" role="note">
              {access.reason}
            </p>
          ) : null}
        </div>
        <aside className="config-object__side">
          <h2 className="panel-section__title">Findings</h2>
          {findings ? (
            <FindingsList diagnostics={diagnostics} />
          ) : (
            <p className="muted small">Check the object to see them.</p>
          )}
        </aside>
      </div>
    </div>
  );
}
