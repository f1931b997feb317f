import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../helpers';

export interface PrometheusProcess {
  /** `http://127.0.0.1:<port>`; the same across restarts. */
  url: string;
  port: number;
  /** The running process's pid, undefined while stopped. */
  pid(): number | undefined;
  /** Kills the process by pid (SIGKILL: a crash, not a polite shutdown) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data dir; resolves when `/-/ready` answers. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  remove(): Promise<void>;
}

/**
 * The real Prometheus (/usr/bin/prometheus), scraping `scrapeUrl` every second, on a port it
 * keeps across restarts, so a test can stop it by pid and bring it back where Sextant looks.
 */
export async function startPrometheusProcess(scrapeUrl: string): Promise<PrometheusProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-fault-prom-'));
  const target = new URL(scrapeUrl);
  const config = join(dir, 'prometheus.yml');
  // honor_labels like Istio's addon config, so the simulator's namespace/pod labels are kept.
  await writeFile(
    config,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: kubernetes-pods',
      '    honor_labels: true',
      '    scrape_interval: 1s',
      '    scrape_timeout: 1s',
      `    metrics_path: ${target.pathname}`,
      `    static_configs: [{ targets: ['${target.host}'] }]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async () => {
    child = spawn(
      '/usr/bin/prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=error',
      ],
      { stdio: 'ignore' },
    );
    const started = child;
    await waitFor(
      async () => {
        if (started.exitCode !== null) throw new Error(`prometheus exited with ${started.exitCode}`);
        return (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) })).ok;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'Prometheus ready' },
    );
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    if (running.pid) process.kill(running.pid, 'SIGKILL');
    await exited;
    child = undefined;
  };
  await start();
  return {
    url,
    port,
    pid: () => child?.pid,
    kill,
    start,
    remove: async () => {
      await kill();
      process.removeListener('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
