/**
 * `--state-dir DIR`: what a kube-apiserver keeps across restarts (etcd's objects and revision
 * counter, its CA and serving certificate, its token file and service-account signing key),
 * so that stopping mesh-sim and starting it again on the same dir is a real restart for
 * every client: same CA, same tokens, resourceVersions that keep climbing.
 *
 * Files are written whole to a temp file and renamed over the old one, so a crash mid-write
 * leaves the previous version, never half a file.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { KubeStore, StoreSnapshot } from './store';

const OBJECTS_FILE = 'objects.json';

const snapshotSchema = z.object({
  resourceVersion: z.number().int().nonnegative(),
  objects: z.array(
    z.object({
      resource: z.string().min(1),
      object: z.looseObject({
        apiVersion: z.string(),
        kind: z.string(),
        metadata: z.looseObject({ name: z.string() }),
      }),
    }),
  ),
  allocators: z.object({
    nextServiceIp: z.number().int(),
    nextPodIp: z.number().int(),
    nextNodePort: z.number().int(),
  }),
});

function atomicWriteSync(path: string, text: string, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class StateDir {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private path(name: string): string {
    return join(this.dir, name);
  }

  /** The parsed file, or undefined when it does not exist; a corrupt file is an error (never silently reset). */
  read<T>(name: string, schema: z.ZodType<T>): T | undefined {
    let text: string;
    try {
      text = readFileSync(this.path(name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`state file ${this.path(name)} is not valid: ${String(err)}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new Error(`state file ${this.path(name)} is not valid: ${parsed.error.message}`);
    }
    return parsed.data;
  }

  write(name: string, value: unknown): void {
    atomicWriteSync(this.path(name), `${JSON.stringify(value, null, 2)}\n`);
  }

  /**
   * Claims the dir for this process: two servers writing one state would each overwrite the
   * other's objects. A lock left by a process that no longer runs is taken over.
   */
  lock(): () => void {
    const path = this.path('mesh-sim.pid');
    const holder = Number(this.readText('mesh-sim.pid')?.trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
      throw new Error(`state dir ${this.dir} is in use by mesh-sim process ${holder}`);
    }
    atomicWriteSync(path, `${process.pid}\n`);
    return () => {
      try {
        if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
      } catch {
        // already gone
      }
    };
  }

  readText(name: string): string | undefined {
    try {
      return readFileSync(this.path(name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  writeText(name: string, text: string): void {
    atomicWriteSync(this.path(name), text);
  }

  /** The saved objects, or undefined on a first start. */
  readSnapshot(): StoreSnapshot | undefined {
    return this.read(OBJECTS_FILE, snapshotSchema) as StoreSnapshot | undefined;
  }

  async writeSnapshot(snapshot: StoreSnapshot): Promise<void> {
    const path = this.path(OBJECTS_FILE);
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(snapshot), { mode: 0o600 });
    await rename(tmp, path);
  }
}

export interface StorePersister {
  /** Writes now if anything changed since the last write (awaits a write in flight). */
  flush(): Promise<void>;
  /** Final flush, then no more writes. */
  stop(): Promise<void>;
}

/**
 * Saves the store after changes: at most `delayMs` after the first unsaved change, so a burst
 * of writes costs one file write and constant churn still reaches the disk regularly.
 */
export function persistStore(
  store: KubeStore,
  state: StateDir,
  opts: { delayMs?: number; log?: (line: string) => void } = {},
): StorePersister {
  const delay = opts.delayMs ?? 250;
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let stopped = false;

  const write = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    // Serialized: a later snapshot never lands before an earlier one.
    writing = writing.then(async () => {
      if (!dirty) return;
      dirty = false;
      try {
        await state.writeSnapshot(store.snapshot());
      } catch (err) {
        dirty = true;
        opts.log?.(`mesh-sim: saving state to ${state.dir} failed: ${String(err)}`);
      }
    });
    return writing;
  };

  const unsubscribe = store.subscribe(() => {
    if (stopped) return;
    dirty = true;
    timer ??= setTimeout(() => void write(), delay);
  });
  // The first start writes its seeded world at once: a crash right after start keeps it.
  dirty = true;
  void write();

  return {
    flush: write,
    async stop() {
      unsubscribe();
      stopped = true;
      await write();
    },
  };
}
