import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderPrometheusConfig } from './config';

export { renderPrometheusConfig } from './config';

export interface PrometheusOptions {
  /** Full URLs of the /metrics endpoints to scrape (http or https). */
  scrapeUrls: string[];
  scrapeIntervalSeconds?: number;
  binary?: string;
  /** How long to wait for `/-/ready`. */
  readyTimeoutMs?: number;
}

export interface RunningPrometheus {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;

/**
 * Starts a real Prometheus on 127.0.0.1 scraping `scrapeUrls` under the job `kubernetes-pods`
 * with `honor_labels: true` (so the simulator's `namespace`/`pod` labels win, as they would
 * with Istio's addon config). Its TSDB lives in a temp dir removed on stop.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = options.binary ?? '/usr/bin/prometheus';
  const interval = options.scrapeIntervalSeconds ?? 1;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  try {
    await access(binary, constants.X_OK);
  } catch {
    throw new Error(
      `Prometheus binary not found or not executable at ${binary}. Install the Debian package "prometheus" (apt-get install prometheus) or pass { binary }.`,
    );
  }

  const dir = await mkdtemp(join(tmpdir(), 'sextant-prom-'));
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, renderPrometheusConfig(options.scrapeUrls, interval));

  // A free port can be taken between probing and binding; retry a few times.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=2h',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    const url = `http://127.0.0.1:${port}`;
    // If this process dies without calling stop(), do not leave an orphan Prometheus behind.
    const killOnExit = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    const stop = async (): Promise<void> => {
      process.removeListener('exit', killOnExit);
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    };
    try {
      await waitReady(url, child, readyTimeoutMs);
      return { url, stop };
    } catch (error) {
      process.removeListener('exit', killOnExit);
      await stopProcess(child);
      lastError = new Error(`${error instanceof Error ? error.message : String(error)}\n${stderr}`);
      if (!stderr.includes('address already in use')) break;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error('Prometheus did not start');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`Prometheus exited before it was ready (code ${String(child.exitCode)})`);
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Prometheus at ${url} was not ready within ${timeoutMs} ms`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
