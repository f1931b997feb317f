import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangeHistory } from './changeHistory';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (service: string) => ({
  user: 'admin',
  namespace: 'bookinfo',
  service,
  action: 'traffic-shift' as const,
  summary: 'v1 50, v3 50',
  changes: [],
});

describe('ChangeHistory', () => {
  it('lists newest first, filtered, and reads back what another instance wrote', async () => {
    const a = new ChangeHistory(join(dir, 'state'));
    const first = await a.append(entry('reviews'), new Date('2026-01-01T00:00:00Z'));
    await a.append(entry('ratings'));
    const third = await a.append(entry('reviews'));
    const b = new ChangeHistory(join(dir, 'state'));
    expect((await b.list({ service: 'reviews' })).map((e) => e.id)).toEqual([third.id, first.id]);
    expect(await b.get(first.id)).toMatchObject({ at: '2026-01-01T00:00:00.000Z', user: 'admin' });
  });

  it('is empty before the first change and skips a torn line', async () => {
    const h = new ChangeHistory(dir);
    expect(await h.list()).toEqual([]);
    await h.append(entry('reviews'));
    await appendFile(h.file, '{"id":"tor');
    await h.append(entry('reviews'));
    expect(await h.list()).toHaveLength(2);
  });
});
