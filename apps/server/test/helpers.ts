import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pino } from 'pino';

const run = promisify(execFile);

/** Polls `fn` until it returns a value other than undefined/false, or fails after `timeoutMs` with the last reason. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  {
    timeoutMs,
    intervalMs = 250,
    what = 'condition',
  }: { timeoutMs: number; intervalMs?: number; what?: string },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let attempt = 0; attempt < 100_000; attempt++) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export const silentLogger = () => pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export async function kubectl(kubeconfig: string, context: string, args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, '--context', context, ...args], {
    timeout: 30_000,
  });
  return stdout;
}

export async function getJson(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
}

/** Reads Server-Sent Events from `url` and calls `onEvent` with each `data:` payload. */
export function readEvents(
  url: string,
  onEvent: (event: string, data: string) => void,
  headers: Record<string, string> = {},
): { close(): void; opened: Promise<void> } {
  const aborter = new AbortController();
  const opened = (async () => {
    const res = await fetch(url, { headers, signal: aborter.signal });
    if (res.status !== 200) throw new Error(`SSE answered ${res.status}`);
    if (!res.body) throw new Error('no SSE body');
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let idx = buffer.indexOf('\n\n');
          while (idx >= 0) {
            const block = buffer.slice(0, idx);
            buffer = buffer.slice(idx + 2);
            let event = 'message';
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
            }
            if (data) onEvent(event, data);
            idx = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // aborted
      }
    })();
  })();
  return { close: () => aborter.abort(), opened };
}
