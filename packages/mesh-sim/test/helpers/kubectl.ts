/** Runs the real kubectl against mesh-sim (each caller passes its own --cache-dir). */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

export const KUBECTL_DISPATCHER = '/usr/bin/kubectl';
export const KUBECTL_1_30 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.30';

export interface KubectlOptions {
  kubeconfig: string;
  cacheDir: string;
  /** Kubeconfig context, e.g. `mesh-sim-viewer` (default: the current context, admin). */
  context?: string;
  /** kubectl binary (default /usr/bin/kubectl, the gcloud dispatcher). */
  bin?: string;
  /** Written to kubectl's stdin (for `-f -`). */
  stdin?: string;
  timeoutMs?: number;
  /** Extra environment (e.g. KUBE_EDITOR). */
  env?: Record<string, string>;
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function argv(args: string[], o: KubectlOptions): string[] {
  const out = ['--kubeconfig', o.kubeconfig, '--cache-dir', o.cacheDir];
  if (o.context) out.push('--context', o.context);
  return [...out, ...args];
}

export function kubectl(args: string[], options: KubectlOptions): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.bin ?? KUBECTL_DISPATCHER, argv(args, options), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, KUBECONFIG: options.kubeconfig, ...(options.env ?? {}) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** A long-running kubectl (e.g. `get -w`) whose output accumulates until stop(). */
export interface RunningKubectl {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function spawnKubectl(args: string[], options: KubectlOptions): RunningKubectl {
  const child = spawn(options.bin ?? KUBECTL_DISPATCHER, argv(args, options), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KUBECONFIG: options.kubeconfig },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.on('close', () => r()));
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
