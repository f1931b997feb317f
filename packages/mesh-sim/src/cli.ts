/**
 * `mesh-sim --scenario bookinfo|scale …`: starts the simulated cluster and prints one JSON line
 * `{"apiServer","metricsUrl","kubeconfig"}` on stdout when ready; logs go to stderr.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { startMeshSim } from './sim';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const program = new Command()
  .name('mesh-sim')
  .description('A simulated Kubernetes cluster with Istio, spoken to over the real Kubernetes API')
  .addOption(
    new Option('--scenario <name>', 'cluster contents').choices(['bookinfo', 'scale']).default('bookinfo'),
  )
  .option('--namespaces <n>', 'scale scenario: number of namespaces', integer)
  .option('--services <m>', 'scale scenario: services per namespace', integer)
  .option('--api-port <port>', 'Kubernetes API port (0: any free port)', integer, 0)
  .option('--metrics-port <port>', 'Prometheus /metrics port (0: any free port)', integer, 0)
  .option('--kubeconfig-out <file>', 'where to write the kubeconfig (default: a temp file)')
  .option(
    '--state-dir <dir>',
    'keep objects, resourceVersions, CA, certificate and tokens here: a restart on the same dir and port is an API-server restart',
  )
  .option(
    '--pod-endpoint <spec>',
    '<namespace>/<deployment>:<port>=<host>:<port>: port-forwards to that deployment reach a local server',
    collect,
    [] as string[],
  )
  .option('--oidc-issuer-url <url>', 'accept OIDC ID tokens from this issuer (https), as kube-apiserver does')
  .option('--oidc-client-id <id>', 'the audience OIDC ID tokens must carry')
  .option('--oidc-username-claim <claim>', 'claim naming the user', 'sub')
  .option(
    '--oidc-username-prefix <prefix>',
    'prefix of OIDC user names ("-" for none; default "<issuer>#" unless the claim is email)',
  )
  .option('--oidc-groups-claim <claim>', "claim listing the user's groups")
  .option('--oidc-groups-prefix <prefix>', 'prefix of OIDC group names')
  .option('--oidc-ca-file <file>', "CA of the issuer's certificate (default: the system CAs)")
  .option('--oidc-signing-algs <algs>', 'comma-separated accepted signing algorithms', 'RS256,ES256')
  .option('--seed <n>', 'random seed of the traffic model', integer)
  .option('--kube-minor <minor>', 'Kubernetes minor version reported by /version', '32')
  .option('--no-traffic', 'do not generate traffic metrics')
  .option(
    '--peer-metadata-discovery',
    'name callers without a sidecar in destination-side series (Istio PEER_METADATA_DISCOVERY)',
  );

program.parse();
const o = program.opts<{
  scenario: 'bookinfo' | 'scale';
  namespaces?: number;
  services?: number;
  apiPort: number;
  metricsPort: number;
  kubeconfigOut?: string;
  stateDir?: string;
  oidcIssuerUrl?: string;
  oidcClientId?: string;
  oidcUsernameClaim: string;
  oidcUsernamePrefix?: string;
  oidcGroupsClaim?: string;
  oidcGroupsPrefix?: string;
  oidcCaFile?: string;
  oidcSigningAlgs: string;
  podEndpoint: string[];
  seed?: number;
  kubeMinor: string;
  traffic: boolean;
  peerMetadataDiscovery?: boolean;
}>();

const started = Date.now();
let sim: Awaited<ReturnType<typeof startMeshSim>>;
try {
  sim = await startMeshSim({
    scenario: o.scenario,
    ...(o.namespaces !== undefined ? { namespaces: o.namespaces } : {}),
    ...(o.services !== undefined ? { services: o.services } : {}),
    apiPort: o.apiPort,
    metricsPort: o.metricsPort,
    ...(o.kubeconfigOut ? { kubeconfigOut: o.kubeconfigOut } : {}),
    ...(o.stateDir ? { stateDir: o.stateDir } : {}),
    ...(o.oidcIssuerUrl
      ? {
          oidc: {
            issuerUrl: o.oidcIssuerUrl,
            clientId: o.oidcClientId ?? '',
            usernameClaim: o.oidcUsernameClaim,
            ...(o.oidcUsernamePrefix !== undefined ? { usernamePrefix: o.oidcUsernamePrefix } : {}),
            ...(o.oidcGroupsClaim ? { groupsClaim: o.oidcGroupsClaim } : {}),
            ...(o.oidcGroupsPrefix !== undefined ? { groupsPrefix: o.oidcGroupsPrefix } : {}),
            ...(o.oidcCaFile ? { caFile: o.oidcCaFile } : {}),
            signingAlgs: o.oidcSigningAlgs
              .split(',')
              .map((a) => a.trim())
              .filter(Boolean),
          },
        }
      : {}),
    podEndpoints: o.podEndpoint,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    minorVersion: o.kubeMinor,
    traffic: o.traffic,
    ...(o.peerMetadataDiscovery ? { peerMetadataDiscovery: true } : {}),
  });
} catch (err) {
  process.stderr.write(`mesh-sim: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
process.stderr.write(`mesh-sim: ${o.scenario} ready in ${Date.now() - started} ms at ${sim.apiServer}\n`);
process.stdout.write(
  `${JSON.stringify({ apiServer: sim.apiServer, metricsUrl: sim.metricsUrl, kubeconfig: sim.kubeconfig })}\n`,
);

let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`mesh-sim: ${signal}, stopping\n`);
  sim.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`mesh-sim: stop failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
