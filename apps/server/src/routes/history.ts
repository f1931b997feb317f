import { Router } from 'express';
import { HistoryList, NoBody, RollbackResponse } from '@sextant/shared';
import type { ObjectChange } from '@sextant/shared';
import type { ChangeHistory } from '../history/changeHistory';
import { HttpError } from '../httpError';
import type { IstioObject } from '../mesh/types';
import { viewerOf } from '../auth/viewer';
import type { AppDeps } from './deps';
import { NamespaceName, ObjectName } from './params';
import {
  actorOf,
  changesDiff,
  conflict,
  readLive,
  refuseIfReadOnly,
  routingDef,
  writeChange,
} from './trafficShift';
import { z } from 'zod';

const HistoryQuery = z.object({ namespace: NamespaceName.optional(), service: ObjectName.optional() });
const EntryParams = z.object({ id: z.string().regex(/^[a-z0-9-]+$/, 'id: a history entry id') });

/** `GET /api/history` lists the changes Sextant made; `POST /api/history/:id/rollback` undoes one. */
export function historyRouter(deps: AppDeps, history: ChangeHistory): Router {
  const router = Router();

  router.get('/history', async (req, res) => {
    const filter = HistoryQuery.parse(req.query);
    const { access } = viewerOf(req).cache;
    const entries = (await history.list(filter)).filter((e) => access.canSeeNamespace(e.namespace));
    res.json(HistoryList.parse({ entries }));
  });

  router.post('/history/:id/rollback', async (req, res) => {
    refuseIfReadOnly(deps);
    const { id } = EntryParams.parse(req.params);
    NoBody.parse(req.body);
    const entry = await history.get(id);
    if (!entry || !viewerOf(req).cache.access.canSeeNamespace(entry.namespace))
      throw new HttpError(404, 'not_found', `No history entry ${id}.`);
    const ns = entry.namespace;
    const writer = deps.writerFor(viewerOf(req).credentials);

    // Every object must still be exactly as the entry left it; checked for all before writing any.
    const current = new Map<ObjectChange, IstioObject | null>();
    for (const change of entry.changes) {
      const live = await readLive(writer, change.resource, ns, change.name);
      const expected = change.after?.metadata.resourceVersion;
      if ((live?.metadata.resourceVersion ?? null) !== (expected ?? null)) {
        throw conflict(
          `${routingDef(change.resource).kind} ${ns}/${change.name} changed after this entry, so rolling it back would overwrite a newer edit. Review the current version first.`,
          live,
        );
      }
      current.set(change, live);
    }

    // Reverse order: routes stop naming subsets before the subsets go.
    const changes: ObjectChange[] = [];
    for (const change of [...entry.changes].reverse()) {
      const live = current.get(change) ?? null;
      const restore = change.before ? (structuredClone(change.before) as IstioObject) : null;
      if (restore) {
        delete restore.metadata.uid;
        delete restore.metadata.managedFields;
        delete restore.metadata.generation;
        delete restore.metadata.creationTimestamp;
      }
      const saved = await writeChange(
        writer,
        ns,
        {
          resource: change.resource,
          name: change.name,
          after: restore,
          resourceVersion: live?.metadata.resourceVersion,
        },
        false,
      );
      changes.push({ resource: change.resource, name: change.name, before: live, after: saved });
    }
    const recorded = await history.append({
      user: actorOf(deps, req),
      namespace: ns,
      service: entry.service,
      action: 'rollback',
      rollbackOf: entry.id,
      summary: `rolled back: ${entry.summary}`,
      changes,
    });
    res.json(RollbackResponse.parse({ entry: recorded, diff: changesDiff(changes) }));
  });

  return router;
}
