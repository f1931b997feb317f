import { useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { applyPatch, createPatch } from 'diff';
import { Validation } from '@sextant/shared';
import type { IstioObjectWithValidations } from '@sextant/shared';
import { z } from 'zod';
import { ApiError } from '../../api';
import { useIstioDelete, useIstioObject, useIstioWrite } from '../../api/istioConfig';
import { istioObjectQuery } from '../../api/routing';
import { navigate } from '../../app/router';
import { parseYaml, validationDiagnostics } from '../../editor/diagnostics';
import { YamlEditor } from '../../editor/YamlEditor';
import { DiffView } from '../../forms/DiffView';
import { checkEdited, kindOfPlural, objectToYaml, validationState, yamlDiff } from './configModel';
import { EditProblems } from './EditProblems';
import { FindingsList } from './FindingsList';
import { SaveWithErrorsDialog } from './SaveWithErrorsDialog';
import { followLink } from './IstioConfigPage';
import { useEditAccess } from './useEditAccess';
import { ValidationChip } from './ValidationChip';
import './config.css';

interface ObjectRef {
  namespace: string;
  resource: string;
  name: string;
}

/** `/istio/:ns/:resource/:name`: the object as YAML, with its findings at their lines. */
export function IstioObjectPage(ref: ObjectRef) {
  const query = useIstioObject(ref.namespace, ref.resource, ref.name);
  // Each reload starts a fresh editing session from the cluster's current object.
  const [session, setSession] = useState(0);
  const kind = kindOfPlural(ref.resource);
  const listPath = `/istio?namespace=${encodeURIComponent(ref.namespace)}`;
  const reload = async () => {
    await query.refetch();
    setSession((s) => s + 1);
  };
  return (
    <div className="page config-object">
      <header className="config-object__header">
        <div className="muted small">
          <a href={listPath} onClick={(e) => followLink(e, listPath)} className="table-link">
            Istio config
          </a>{' '}
          · {kind?.kind ?? ref.resource} · {ref.namespace}
        </div>
        <h1 id="page-title" className="page__title">
          {ref.name}
        </h1>
      </header>
      {query.isError ? (
        <p className="note note--warning" role="alert">
          {query.error.message}
        </p>
      ) : null}
      {query.isPending ? <p className="muted">Loading…</p> : null}
      {query.data ? (
        <ObjectEditor key={session} objectRef={ref} item={query.data} onReload={() => void reload()} />
      ) : null}
    </div>
  );
}

type Conflict = { current: IstioObjectWithValidations; theirs: string; merged: string | false };

/** The findings a 422 from a save carries (the server refused error-level findings). */
const RefusedFindings = z.object({ validations: z.array(Validation) });

function ObjectEditor({
  objectRef,
  item,
  onReload,
}: {
  objectRef: ObjectRef;
  item: IstioObjectWithValidations;
  onReload: () => void;
}) {
  const { namespace, resource, name } = objectRef;
  const queryClient = useQueryClient();
  const access = useEditAccess(namespace);
  const write = useIstioWrite();
  const remove = useIstioDelete();
  // What the edit is based on: the text and resourceVersion the cluster had.
  const [base, setBase] = useState(() => ({
    text: objectToYaml(item.object),
    resourceVersion: item.object.metadata.resourceVersion,
  }));
  const [text, setText] = useState(base.text);
  // The latest server findings and the text they were computed for.
  const [findings, setFindings] = useState<{ text: string; validations: Validation[] }>({
    text: base.text,
    validations: item.validations,
  });
  const [previewed, setPreviewed] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  // Error-level findings of the text about to be saved, shown for confirmation.
  const [confirmSave, setConfirmSave] = useState<Validation[] | null>(null);

  const parsed = useMemo(() => parseYaml(text), [text]);
  const check =
    parsed.value === undefined
      ? undefined
      : checkEdited(parsed.value, { kind: item.object.kind, name, namespace });
  const diagnostics = useMemo(
    () => [...parsed.diagnostics, ...validationDiagnostics(text, findings.validations)],
    [parsed.diagnostics, text, findings.validations],
  );
  const dirty = text !== base.text;
  const diff = yamlDiff(name, base.text, text);
  const ready = check?.ok === true;
  const body = check?.ok
    ? {
        ...check.object,
        metadata: { ...(check.object.metadata as object), resourceVersion: base.resourceVersion },
      }
    : undefined;

  const handleChange = (next: string) => {
    setText(next);
    setPreviewed(null);
    setSaved(null);
    setConfirmSave(null);
  };

  const handleReview = () => {
    if (!body) return;
    const reviewed = text;
    write.mutate(
      { namespace, resource, name, body, dryRun: true },
      {
        onSuccess: (result) => {
          setFindings({ text: reviewed, validations: result.validations });
          setPreviewed(reviewed);
        },
        // The dry run checks resourceVersion too: a stale base shows up here, before Save.
        onError: handleWriteError,
      },
    );
  };

  /** Saves; with error-level findings from the review, only after the person confirms them. */
  const handleSave = () => {
    const errors = findings.text === text ? findings.validations.filter((v) => v.severity === 'error') : [];
    if (errors.length > 0) setConfirmSave(errors);
    else save(false);
  };

  const save = (force: boolean) => {
    if (!body) return;
    const attempted = text;
    write.mutate(
      { namespace, resource, name, body, dryRun: false, force },
      {
        onSuccess: (result) => {
          setConfirmSave(null);
          const next = objectToYaml(result.object);
          setBase({ text: next, resourceVersion: result.object.metadata.resourceVersion });
          setText(next);
          setFindings({ text: next, validations: result.validations });
          setPreviewed(null);
          setSaved(result.object.metadata.resourceVersion ?? '');
        },
        onError: (error) => handleSaveError(error, attempted),
      },
    );
  };

  /** 409: read what the cluster has now, and try to replay this edit on top of it. */
  const loadConflict = async () => {
    const current = await queryClient.fetchQuery({
      ...istioObjectQuery(namespace, resource, name),
      staleTime: 0,
    });
    const theirs = objectToYaml(current.object);
    const merged = applyPatch(theirs, createPatch(name, base.text, text));
    setConflict({ current, theirs, merged });
  };

  const handleWriteError = (error: Error) => {
    if (error instanceof ApiError && error.status === 409) void loadConflict();
  };

  /** A save refused for findings the review did not show (the cluster moved meanwhile): ask about them. */
  const handleSaveError = (error: Error, attempted: string) => {
    const refused =
      error instanceof ApiError && error.status === 422 ? RefusedFindings.safeParse(error.details) : null;
    if (refused?.success) {
      setFindings({ text: attempted, validations: refused.data.validations });
      setConfirmSave(refused.data.validations);
      write.reset();
      return;
    }
    handleWriteError(error);
  };

  const handleReapply = () => {
    if (!conflict) return;
    const { current, theirs, merged } = conflict;
    setBase({ text: theirs, resourceVersion: current.object.metadata.resourceVersion });
    setText(merged === false ? text : merged);
    setFindings({ text: theirs, validations: current.validations });
    setConflict(null);
    setPreviewed(null);
    write.reset();
  };

  const handleDelete = () =>
    remove.mutate(
      { namespace, resource, name, resourceVersion: base.resourceVersion },
      { onSuccess: () => navigate(`/istio?namespace=${encodeURIComponent(namespace)}`) },
    );

  const writeError =
    write.error && !(write.error instanceof ApiError && write.error.status === 409) ? write.error : null;
  const state = validationState(findings.validations);

  return (
    <div className="config-object__body">
      <div className="config-object__editor">
        <div className="config-object__toolbar">
          <ValidationChip state={state} count={findings.validations.length} />
          <span className="muted small">resourceVersion {base.resourceVersion}</span>
          <span className="toolbar__spacer" />
          <button
            type="button"
            className="button"
            onClick={handleReview}
            disabled={!ready || !dirty || write.isPending}
          >
            Review changes
          </button>
          <button
            type="button"
            className="button button--primary"
            onClick={handleSave}
            disabled={!access.canEdit || !ready || !dirty || previewed !== text || write.isPending}
            title={
              previewed !== text
                ? 'Review the changes first: the server validates them without saving.'
                : undefined
            }
          >
            Save
          </button>
          <button
            type="button"
            className="button button--danger"
            onClick={() => setConfirmDelete(true)}
            disabled={!access.canEdit}
          >
            Delete…
          </button>
        </div>
        {!access.canEdit && access.reason ? (
          <p className="note note--warning" role="note">
            {access.reason}
          </p>
        ) : null}
        {confirmDelete ? (
          <div
            className="banner banner--error config-object__confirm"
            role="alertdialog"
            aria-label="Confirm delete"
          >
            <span>
              Delete {item.object.kind} {namespace}/{name}? Traffic it routes falls back to the defaults at
              once.
            </span>
            <button
              type="button"
              className="button button--danger"
              onClick={handleDelete}
              disabled={remove.isPending}
            >
              Delete {name}
            </button>
            <button type="button" className="button" onClick={() => setConfirmDelete(false)}>
              Cancel
            </button>
            {remove.isError ? <span role="alert">{remove.error.message}</span> : null}
          </div>
        ) : null}
        {confirmSave ? (
          <SaveWithErrorsDialog
            errors={validationDiagnostics(text, confirmSave)}
            pending={write.isPending}
            onConfirm={() => save(true)}
            onCancel={() => setConfirmSave(null)}
          />
        ) : null}
        <YamlEditor
          value={text}
          onChange={handleChange}
          diagnostics={diagnostics}
          label={`${item.object.kind} ${name} YAML`}
        />
        <EditProblems check={check} parseErrors={parsed.diagnostics} error={writeError} />
        {saved !== null ? (
          <p className="note" role="status">
            Saved. The cluster now has resourceVersion {saved}.
          </p>
        ) : null}
      </div>
      <aside className="config-object__side">
        <section aria-label="Findings">
          <h2 className="panel-section__title">Findings</h2>
          {findings.text !== text ? (
            <p className="muted small">From the last check; review the changes to validate the edit.</p>
          ) : null}
          <FindingsList diagnostics={diagnostics} />
        </section>
        {conflict ? (
          <section className="config-object__conflict" aria-label="Conflict" aria-live="polite">
            <h2 className="panel-section__title">Someone changed it first</h2>
            <p className="small">
              The cluster's {item.object.kind} moved from resourceVersion {base.resourceVersion} to{' '}
              {conflict.current.object.metadata.resourceVersion} while you edited. Their change:
            </p>
            <DiffView
              diff={yamlDiff(name, base.text, conflict.theirs, ['when you opened it', 'now'])}
              label="Their change"
            />
            <p className="small">
              {conflict.merged === false
                ? 'Your edit touches the same lines, so it cannot be replayed on theirs automatically.'
                : 'Your edit applies cleanly on top of theirs.'}
            </p>
            <div className="config-object__actions">
              <button type="button" className="button" onClick={onReload}>
                Reload (drop my edit)
              </button>
              <button type="button" className="button button--primary" onClick={handleReapply}>
                {conflict.merged === false ? 'Keep my text on their version' : 'Re-apply my edit'}
              </button>
            </div>
          </section>
        ) : null}
        {dirty ? (
          <section aria-label="Change">
            <h2 className="panel-section__title">Change</h2>
            <DiffView diff={diff} label="Diff of your change" />
          </section>
        ) : null}
      </aside>
    </div>
  );
}
