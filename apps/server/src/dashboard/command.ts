import type { Command } from 'commander';
import { Argument, InvalidArgumentError } from 'commander';
import { loadKubeConfig } from '../kube/config';
import { checkPortForwardAccess, resolvePod, startPortForward } from '../kube/portForward';
import { ADDON_NAMES, ADDONS, isAddonName } from './addons';
import { openBrowser } from './browser';

interface DashboardFlags {
  namespace: string;
  port?: number;
  address: string;
  browser: boolean;
  kubeconfig?: string;
  context?: string;
}

const parsePort = (v: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError('a port number 0–65535');
  return n;
};

/** `--browser=false` / `--browser false` / `--browser` (commander hands a bare flag `true`). */
const parseBool = (v: string): boolean => {
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  throw new InvalidArgumentError('true or false');
};

const warn = (message: string) => process.stderr.write(`sextant dashboard: warning: ${message}\n`);

/** Resolves on the first SIGINT or SIGTERM. */
const untilSignal = (): Promise<string> =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

async function runDashboard(name: string, o: DashboardFlags): Promise<void> {
  if (!isAddonName(name)) throw new Error(`unknown dashboard "${name}" (one of ${ADDON_NAMES.join(', ')})`);
  const addon = ADDONS[name];
  const kc = loadKubeConfig({
    ...(o.kubeconfig !== undefined ? { kubeconfig: o.kubeconfig } : {}),
    ...(o.context !== undefined ? { context: o.context } : {}),
  });
  const target = { namespace: o.namespace, labels: addon.labels, port: addon.port };
  // Fail now, with the reason, rather than on the first browser request.
  const pod = await resolvePod(kc, target);
  await checkPortForwardAccess(kc, o.namespace);
  const forward = await startPortForward(kc, target, {
    address: o.address,
    // An explicit --port is what the person wants; the default falls back to any free port.
    port: o.port ?? addon.port,
    strictPort: o.port !== undefined,
    onError: (err) => warn(err.message),
  });
  const url = forward.url(addon.path);
  process.stdout.write(`${url}\n`);
  process.stderr.write(
    `Forwarding ${forward.address}:${forward.port} to ${name} (pod ${o.namespace}/${pod.name}, port ${pod.port}); Ctrl-C to stop.\n`,
  );
  if (o.browser)
    openBrowser(url).catch((err: unknown) =>
      warn(
        `could not open a browser (${err instanceof Error ? err.message : String(err)}); open ${url} yourself`,
      ),
    );
  await untilSignal();
  await forward.stop();
}

/** Adds `sextant dashboard <addon>` to the CLI. */
export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description(
      'Port-forward to an in-cluster dashboard (found by its pod labels) and open it in a browser.',
    )
    .addArgument(new Argument('<addon>', 'dashboard to open').choices(ADDON_NAMES))
    .option('-n, --namespace <namespace>', 'namespace the addon runs in', 'istio-system')
    .option('--port <port>', 'local port (default: the addon port when free, another when not)', parsePort)
    .option('--address <address>', 'local address to listen on', '127.0.0.1')
    .option(
      '--browser [open]',
      'open a browser (--browser=false or --no-browser: only print the URL)',
      parseBool,
      true,
    )
    .option('--no-browser', 'only print the URL')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .action(async (name: string, o: DashboardFlags) => {
      await runDashboard(name, o);
      process.exit(0);
    });
}
