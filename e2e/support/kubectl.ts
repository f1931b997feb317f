import { spawnSync } from 'node:child_process';

/** Runs the real kubectl against a kubeconfig; throws with its output when it fails. */
export function kubectl(kubeconfig: string, args: string[]): string {
  const result = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `kubectl ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** The kubeconfig path `sextant demo` prints (`kubectl --kubeconfig <file>`). */
export function demoKubeconfig(output: string): string {
  const match = /--kubeconfig (\S+?)\)?\s/.exec(output);
  if (!match?.[1]) throw new Error(`the demo did not print its kubeconfig:\n${output}`);
  return match[1];
}
