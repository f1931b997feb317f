import { join } from 'node:path';
import { freePort, startProcess, waitForHttp } from './processes';
import { SERVER_DIR } from './paths';

export interface RunningSextant {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

async function startCli(
  args: string[],
  readyTimeoutMs: number,
  options: { port?: number; readyPath?: string } = {},
): Promise<RunningSextant> {
  const port = options.port ?? (await freePort());
  // `node --import tsx` rather than the tsx CLI, whose signal relay gives a slow child 30 ms to
  // acknowledge SIGTERM before killing it: one process that stops the way a person's would.
  const started = startProcess(
    process.execPath,
    ['--import', 'tsx', join(SERVER_DIR, 'src/cli.ts'), ...args, '--port', String(port)],
    {
      cwd: SERVER_DIR,
      env: { NO_COLOR: '1', BROWSER: 'none' },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}${options.readyPath ?? '/api/namespaces'}`, started, readyTimeoutMs);
  } catch (error) {
    await started.stop();
    throw error;
  }
  return { url, output: started.output, stop: started.stop };
}

/** `sextant demo`: the simulated bookinfo mesh, its traffic, a real Prometheus, and the built web app. */
export function startDemo(extraArgs: string[] = []): Promise<RunningSextant> {
  return startCli(['demo', ...extraArgs], 150_000);
}

/** `sextant serve` against a cluster, e.g. mesh-sim, with the given Prometheus URL. */
export function startServe(options: {
  kubeconfig: string;
  context?: string;
  prometheusUrl: string;
}): Promise<RunningSextant> {
  return startCli(
    [
      'serve',
      '--kubeconfig',
      options.kubeconfig,
      '--context',
      options.context ?? 'mesh-sim-admin',
      '--prometheus-url',
      options.prometheusUrl,
      '--host',
      '127.0.0.1',
    ],
    90_000,
  );
}

/**
 * `sextant serve` with the given flags (e.g. `--auth token`), on `port` when given; ready once
 * `/readyz` answers, since the API needs a sign-in.
 */
export function startServeWith(args: string[], options: { port?: number } = {}): Promise<RunningSextant> {
  return startCli(['serve', '--host', '127.0.0.1', ...args], 90_000, { ...options, readyPath: '/readyz' });
}
