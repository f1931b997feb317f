import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { waitFor } from './waitFor';

/** A free TCP port on 127.0.0.1 (bound and released; the caller binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface Started {
  child: ChildProcess;
  /** What the process printed: its first and its latest 20,000 characters. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Spawns a command in its own process group (tsx starts a child node process), keeps its output,
 * and stops the whole group: SIGTERM, then SIGKILL if it has not exited within 10 s.
 */
export function startProcess(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Started {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The start (banners, the URLs a process prints when ready) and the latest output (why it failed).
  let head = '';
  let tail = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (head.length < 20_000) head += text.slice(0, 20_000 - head.length);
    tail = (tail + text).slice(-20_000);
  };
  const output = () => (head.length < 20_000 ? head : `${head}\n…\n${tail}`);
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const signal = (name: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, name);
    } catch {
      // The group is already gone.
    }
  };
  return {
    child,
    output,
    stop: async () => {
      signal('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), 10_000).unref(),
      );
      if ((await Promise.race([exited.then(() => 'exited' as const), timeout])) === 'timeout') {
        signal('SIGKILL');
        await exited;
      }
    },
  };
}

/** Waits until `url` answers 200, failing early (with the process output) if the process exits. */
export async function waitForHttp(url: string, started: Started, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      if (started.child.exitCode !== null || started.child.signalCode !== null) {
        throw new Error(
          `the process exited (${started.child.exitCode ?? started.child.signalCode}) before ${url} answered:\n${started.output()}`,
        );
      }
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      return response?.ok === true;
    },
    { timeoutMs, intervalMs: 500, what: `${url} to answer 200` },
  ).catch((error: unknown) => {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- output ---\n${started.output()}`,
    );
  });
}
