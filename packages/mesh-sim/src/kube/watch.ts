/**
 * Watch streams: NDJSON over a chunked 200 response, replay from a resourceVersion out of the
 * store's event history, 410 Expired when that history is gone, optional bookmarks, timeouts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../cluster/types';
import { baseHeaders } from './http';
import type { Matcher } from './selectors';
import type { KubeStore, StoredEvent } from './store';
import type { ResourceInfo } from './registry';
import { expired, badRequest } from './status';
import { toTable } from './table';
import type { IncludeObject } from './table';

export interface WatchRequest {
  info: ResourceInfo;
  groupResource: string;
  version: string;
  namespace?: string;
  matcher?: Matcher;
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  table?: IncludeObject;
  bookmarkIntervalMs: number;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** Tracks open watches so the server can end them on close(). */
export class WatchHub {
  private readonly open = new Set<() => void>();

  add(end: () => void): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }

  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}

export function serveWatch(
  store: KubeStore,
  hub: WatchHub,
  req: IncomingMessage,
  res: ServerResponse,
  w: WatchRequest,
): void {
  const gv = w.info.group ? `${w.info.group}/${w.version}` : w.version;
  let startRv = 0;
  if (w.resourceVersion && w.resourceVersion !== '0') {
    startRv = Number(w.resourceVersion);
    if (!Number.isInteger(startRv) || startRv < 0)
      throw badRequest(`invalid resource version: ${w.resourceVersion}`);
  }

  const present = (obj: KubeObject): unknown => {
    const o = { ...obj, apiVersion: gv };
    return w.table ? toTable(w.info, w.version, [o], w.table) : o;
  };
  const inScope = (obj: KubeObject): boolean =>
    (!w.namespace || obj.metadata.namespace === w.namespace) && (!w.matcher || w.matcher(obj));

  res.writeHead(200, {
    ...baseHeaders(),
    'Content-Type': w.table ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json',
    'Transfer-Encoding': 'chunked',
  });
  // client-node awaits the response headers before it reports the watch as started.
  res.flushHeaders();

  let lastRv = startRv || Number(store.resourceVersion());
  let ended = false;
  const write = (type: EventType, object: unknown): void => {
    if (!ended) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    const metadata: Record<string, unknown> = { resourceVersion: String(lastRv) };
    if (annotations) metadata.annotations = annotations;
    write('BOOKMARK', { kind: w.info.kind, apiVersion: gv, metadata });
  };
  const onEvent = (e: StoredEvent): void => {
    if (e.resource !== w.groupResource) return;
    const now = inScope(e.object);
    const before = e.previous ? inScope(e.previous) : false;
    lastRv = e.rv;
    if (e.type === 'MODIFIED' && w.matcher) {
      if (now && !before) write('ADDED', present(e.object));
      else if (!now && before) write('DELETED', present(e.object));
      else if (now) write('MODIFIED', present(e.object));
      return;
    }
    if (now) write(e.type, present(e.object));
  };

  const cleanups: (() => void)[] = [];
  const end = (): void => {
    if (ended) return;
    ended = true;
    for (const c of cleanups) c();
    res.end();
  };

  if (startRv === 0 || w.sendInitialEvents) {
    const objects = w.namespace ? store.list(w.groupResource, w.namespace) : store.list(w.groupResource);
    for (const obj of objects) if (!w.matcher || w.matcher(obj)) write('ADDED', present(obj));
    lastRv = Number(store.resourceVersion());
    if (w.sendInitialEvents && w.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const events = store.eventsSince(startRv);
    if (!events) {
      write(
        'ERROR',
        expired(`too old resource version: ${startRv} (${store.oldestResumableVersion() + 1})`).body,
      );
      end();
      return;
    }
    for (const e of events) onEvent(e);
  }

  cleanups.push(store.subscribeStored(onEvent));
  cleanups.push(
    store.onCompact(() => {
      write('ERROR', expired(`too old resource version: ${lastRv} (${store.oldestResumableVersion()})`).body);
      end();
    }),
  );
  cleanups.push(hub.add(end));
  if (w.allowBookmarks) {
    const timer = setInterval(() => bookmark(), w.bookmarkIntervalMs);
    cleanups.push(() => clearInterval(timer));
  }
  if (w.timeoutSeconds !== undefined && w.timeoutSeconds > 0) {
    const timer = setTimeout(end, w.timeoutSeconds * 1000);
    cleanups.push(() => clearTimeout(timer));
  }
  req.on('close', end);
  res.on('close', end);
}
