import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HistoryEntry } from '@sextant/shared';

/** `--state-dir` default: survives restarts, private to the user. */
export const defaultStateDir = (): string => join(homedir(), '.sextant');

/** True when the file's last line has no newline (a write cut short), so the next line starts fresh. */
async function endsTorn(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return false;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

export type NewHistoryEntry = Omit<HistoryEntry, 'id' | 'at'>;

/**
 * Every change Sextant makes (who, when, before, after), one JSON line each in
 * `<stateDir>/history.jsonl`. Appends are serialised in this process; a line that does not parse
 * (a torn write after a crash) is skipped rather than hiding the rest.
 */
export class ChangeHistory {
  readonly file: string;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {
    this.file = join(dir, 'history.jsonl');
  }

  async append(entry: NewHistoryEntry, now = new Date()): Promise<HistoryEntry> {
    const full = HistoryEntry.parse({
      ...entry,
      id: `${now.getTime().toString(36)}-${randomBytes(4).toString('hex')}`,
      at: now.toISOString(),
    });
    const write = this.tail.then(async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const sep = (await endsTorn(this.file)) ? '\n' : '';
      await appendFile(this.file, `${sep}${JSON.stringify(full)}\n`, { mode: 0o600 });
    });
    this.tail = write.catch(() => undefined);
    await write;
    return full;
  }

  /** Newest first. */
  async list(filter: { namespace?: string; service?: string } = {}): Promise<HistoryEntry[]> {
    await this.tail;
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: HistoryEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue;
      }
      const entry = HistoryEntry.safeParse(parsed);
      if (!entry.success) continue;
      if (filter.namespace !== undefined && entry.data.namespace !== filter.namespace) continue;
      if (filter.service !== undefined && entry.data.service !== filter.service) continue;
      out.push(entry.data);
    }
    return out.reverse();
  }

  async get(id: string): Promise<HistoryEntry | undefined> {
    return (await this.list()).find((e) => e.id === id);
  }
}
