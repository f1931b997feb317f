/**
 * The `mesh-sim` CLI: one JSON line on stdout when ready, a working API and /metrics behind
 * it, a clean exit on SIGTERM.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { caFromKubeconfig, httpsRequest } from './helpers/https';
import { makeTempDir } from './helpers/tempDir';
import { waitFor } from './helpers/waitFor';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = makeTempDir('mesh-sim-cli-');
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child?.on('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  tmp.remove();
});

describe('mesh-sim CLI', () => {
  it('prints one JSON line when ready, serves the API and /metrics, stops on SIGTERM', async () => {
    const kubeconfig = join(tmp.path, 'kubeconfig');
    const proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli.ts',
        '--scenario',
        'bookinfo',
        '--api-port',
        '0',
        '--metrics-port',
        '0',
        '--kubeconfig-out',
        kubeconfig,
        '--no-traffic',
      ],
      { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    let stdout = '';
    let stderr = '';
    proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));

    await waitFor(() => stdout.includes('\n'), {
      timeoutMs: 60_000,
      message: `ready line (stderr: ${stderr})`,
    });
    const ready = JSON.parse(stdout.trim()) as { apiServer: string; metricsUrl: string; kubeconfig: string };
    expect(Object.keys(ready)).toEqual(['apiServer', 'metricsUrl', 'kubeconfig']);
    expect(ready.apiServer).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(ready.kubeconfig).toBe(kubeconfig);
    expect(existsSync(kubeconfig)).toBe(true);

    const version = await httpsRequest(ready.apiServer, caFromKubeconfig(kubeconfig), '/version');
    expect(version.json()).toMatchObject({ minor: '32' });
    const metrics = await fetch(ready.metricsUrl);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);

    proc.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });
});
