#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { AUTH_STRATEGIES } from './auth/config';
import type { AuthStrategy } from './auth/config';
import { prometheusForServe, registerDashboardCommand } from './dashboard';
import { createLogger } from './logger';
import { DEFAULT_PROMETHEUS_TIMEOUT_MS } from './prom/client';
import { startServer } from './server';

const Port = z.coerce.number().int().min(0).max(65535);
const parsePort = (v: string): number => {
  const r = Port.safeParse(v);
  if (!r.success) throw new InvalidArgumentError('a port number 0–65535');
  return r.data;
};
const parseUrl = (v: string): string => {
  const r = z.url({ protocol: /^https?$/ }).safeParse(v);
  if (!r.success) throw new InvalidArgumentError('an http(s) URL, e.g. https://sextant.example.com');
  return r.data;
};
const parseList = (v: string, previous: string[] = []): string[] => [
  ...previous,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];
const parseCount = (v: string): number => {
  const r = z.coerce.number().int().min(1).max(10_000).safeParse(v);
  if (!r.success) throw new InvalidArgumentError('a whole number ≥ 1');
  return r.data;
};
const parseSeconds = (v: string): number => {
  const r = z.coerce.number().min(0.1).max(3600).safeParse(v);
  if (!r.success) throw new InvalidArgumentError('seconds between 0.1 and 3600, e.g. 1.5');
  return r.data;
};
const parseMaxAge = (v: string): number => {
  const r = z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .safeParse(v);
  if (!r.success) throw new InvalidArgumentError('seconds, 60 to 2592000 (30 days)');
  return r.data;
};

/** Stops `stop` on SIGINT/SIGTERM, once; a second signal exits at once. */
function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`\n${signal}: shutting down…\n`);
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

const program = new Command('sextant')
  .description('A web console for Istio service meshes.')
  .showHelpAfterError();

program
  .command('serve')
  .description('Serve the dashboard for a cluster reached through a kubeconfig (or in-cluster).')
  .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
  .option('--context <name>', 'kubeconfig context')
  .option('--prometheus-url <url>', 'Prometheus HTTP API base URL (Thanos/Mimir/VictoriaMetrics work too)')
  .option(
    '--prometheus-service <ref>',
    'without --prometheus-url: the Prometheus Service to reach, <namespace>/<name>',
    'istio-system/prometheus',
  )
  .option('--prometheus-token <token>', 'bearer token for Prometheus', process.env.SEXTANT_PROMETHEUS_TOKEN)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on', parsePort, 20001)
  .addOption(
    new Option(
      '--auth <strategy>',
      'anonymous: the server identity; token: sign in with a Kubernetes token; openid: through an OIDC issuer; header: behind an authenticating proxy',
    )
      .choices(AUTH_STRATEGIES)
      .default('anonymous'),
  )
  .addOption(
    new Option(
      '--session-secret <secret>',
      'seals session cookies, ≥ 32 characters (default: kept in --state-dir)',
    ).env('SEXTANT_SESSION_SECRET'),
  )
  .option('--session-max-age <seconds>', 'longest a sign-in lasts', parseMaxAge, 8 * 3600)
  .option('--oidc-issuer-url <url>', '--auth openid: the issuer (the one the API server trusts)', parseUrl)
  .option('--oidc-client-id <id>', '--auth openid: the client id')
  .addOption(
    new Option(
      '--oidc-client-secret <secret>',
      '--auth openid: the client secret, if the client has one',
    ).env('SEXTANT_OIDC_CLIENT_SECRET'),
  )
  .option(
    '--auth-header-user <name>',
    '--auth header: the header the proxy puts the user name in',
    'X-Forwarded-User',
  )
  .option(
    '--auth-header-groups <name>',
    '--auth header: the header the proxy puts the groups in (comma-separated)',
    'X-Forwarded-Groups',
  )
  .option('--read-only', 'refuse every write with 403', false)
  .option(
    '--public-url <url>',
    'the URL people open Sextant at behind a proxy or ingress (its host and origin are accepted)',
    parseUrl,
  )
  .option(
    '--allowed-hosts <hosts>',
    'more Host names Sextant answers to beyond loopback, comma-separated (name or name:port)',
    parseList,
  )
  .option(
    '--allow-anonymous-writes',
    'with --auth anonymous on a non-loopback --host: allow writes with the server identity anyway',
    false,
  )
  .option('--state-dir <dir>', 'where the change history is kept (default: ~/.sextant)')
  .option(
    '--prometheus-timeout <seconds>',
    'longest wait for Prometheus before a graph is drawn from configuration alone (decimals allowed)',
    parseSeconds,
    DEFAULT_PROMETHEUS_TIMEOUT_MS / 1000,
  )
  .option('--no-query-coalescing', 'send every PromQL query, sharing none between users (for comparison)')
  .action(
    async (o: {
      kubeconfig?: string;
      context?: string;
      prometheusUrl?: string;
      prometheusService: string;
      prometheusToken?: string;
      host: string;
      port: number;
      auth: AuthStrategy;
      sessionSecret?: string;
      sessionMaxAge: number;
      oidcIssuerUrl?: string;
      oidcClientId?: string;
      oidcClientSecret?: string;
      authHeaderUser: string;
      authHeaderGroups: string;
      readOnly: boolean;
      publicUrl?: string;
      allowedHosts?: string[];
      allowAnonymousWrites: boolean;
      stateDir?: string;
      prometheusTimeout: number;
      queryCoalescing: boolean;
    }) => {
      if (o.auth === 'openid' && (!o.oidcIssuerUrl || !o.oidcClientId)) {
        throw new Error('--auth openid needs --oidc-issuer-url and --oidc-client-id');
      }
      const logger = createLogger();
      // Without --prometheus-url: the Service's address in-cluster, a reconnecting port-forward outside.
      const prometheus = await prometheusForServe({
        prometheusUrl: o.prometheusUrl,
        kubeconfig: o.kubeconfig,
        context: o.context,
        prometheusService: o.prometheusService,
        warn: (message) => logger.warn(message),
      });
      const server = await startServer({
        kubeconfig: o.kubeconfig,
        context: o.context,
        prometheusUrl: prometheus.url,
        prometheusBearerToken: o.prometheusToken,
        host: o.host,
        port: o.port,
        auth: o.auth,
        sessionSecret: o.sessionSecret,
        sessionMaxAgeSeconds: o.sessionMaxAge,
        oidc:
          o.oidcIssuerUrl && o.oidcClientId
            ? { issuerUrl: o.oidcIssuerUrl, clientId: o.oidcClientId, clientSecret: o.oidcClientSecret }
            : undefined,
        authHeaderUser: o.auth === 'header' ? o.authHeaderUser : undefined,
        authHeaderGroups: o.authHeaderGroups,
        readOnly: o.readOnly,
        publicUrl: o.publicUrl,
        allowedHosts: o.allowedHosts,
        allowAnonymousWrites: o.allowAnonymousWrites,
        stateDir: o.stateDir,
        graphTimeoutMs: o.prometheusTimeout * 1000,
        noQueryCoalescing: !o.queryCoalescing,
        logger,
      });
      process.stdout.write(`Sextant is serving on ${server.url}\n`);
      onShutdown(async () => {
        await server.close();
        await prometheus.stop();
      });
    },
  );

program
  .command('demo')
  .description('Start a simulated Istio cluster with traffic, and the dashboard on it.')
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on', parsePort, 20001)
  .addOption(
    new Option('--scenario <name>', 'simulated mesh').choices(['bookinfo', 'scale']).default('bookinfo'),
  )
  .option('--namespaces <n>', 'scale scenario: namespaces', parseCount)
  .option('--services <n>', 'scale scenario: services per namespace', parseCount)
  .option('--no-prometheus', 'read the simulator counters even when a prometheus binary exists')
  .option('--state-dir <dir>', 'where the change history is kept (default: ~/.sextant)')
  .action(
    async (o: {
      host: string;
      port: number;
      scenario: 'bookinfo' | 'scale';
      namespaces?: number;
      services?: number;
      prometheus: boolean;
      stateDir?: string;
    }) => {
      const logger = createLogger();
      // Loaded here so `sextant serve` never loads the simulator.
      const { startDemo } = await import('./demo');
      const demo = await startDemo({ ...o, logger });
      const telemetry = demo.prometheusUrl ? `Prometheus ${demo.prometheusUrl}` : demo.telemetry.description;
      process.stdout.write(
        `Sextant demo (${o.scenario}) is serving on ${demo.url}\n` +
          `  simulated API server: ${demo.sim.apiServer}  (kubectl --kubeconfig ${demo.sim.kubeconfig})\n` +
          `  telemetry: ${telemetry}\n`,
      );
      onShutdown(() => demo.stop());
    },
  );

registerDashboardCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`sextant: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
