import { access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ADMIN_CONTEXT, startMeshSim, startPrometheus } from '@sextant/mesh-sim';
import type { MeshSim } from '@sextant/mesh-sim';
import type { Logger } from 'pino';
import { PromClient } from './prom/client';
import { PrometheusSource } from './prom/prometheusSource';
import { SimulatorSource } from './prom/simulatorSource';
import type { TelemetrySource } from './prom/source';
import { startServer } from './server';
import type { RunningServer } from './server';

/** The first executable `prometheus`: /usr/bin/prometheus, then $PATH. */
export async function findPrometheus(): Promise<string | undefined> {
  const candidates = [
    '/usr/bin/prometheus',
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((d) => join(d, 'prometheus')),
  ];
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return c;
    } catch {
      // not here; try the next one
    }
  }
  return undefined;
}

export interface DemoOptions {
  port?: number;
  host?: string;
  scenario?: 'bookinfo' | 'scale';
  namespaces?: number;
  services?: number;
  /** false: read the simulator's counters even when a Prometheus binary exists. */
  prometheus?: boolean;
  seed?: number;
  logger?: Logger;
  webDist?: string;
  /** Change history folder; default `~/.sextant`. */
  stateDir?: string;
}

export interface RunningDemo {
  url: string;
  sim: MeshSim;
  server: RunningServer;
  telemetry: TelemetrySource;
  /** The Prometheus the demo started, if any. */
  prometheusUrl?: string;
  stop(): Promise<void>;
}

/** `sextant demo`: simulated cluster + its traffic + (real Prometheus | simulator counters) + the server. */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const sim = await startMeshSim({
    scenario: options.scenario ?? 'bookinfo',
    namespaces: options.namespaces,
    services: options.services,
    traffic: true,
    seed: options.seed,
  });
  let prometheus: { url: string; stop(): Promise<void> } | undefined;
  try {
    const binary = options.prometheus === false ? undefined : await findPrometheus();
    let telemetry: TelemetrySource;
    if (binary) {
      prometheus = await startPrometheus({ scrapeUrls: [sim.metricsUrl], binary, scrapeIntervalSeconds: 5 });
      telemetry = new PrometheusSource(new PromClient({ url: prometheus.url }));
    } else {
      telemetry = new SimulatorSource(sim.traffic);
    }
    const server = await startServer({
      kubeconfig: sim.kubeconfig,
      context: ADMIN_CONTEXT,
      telemetry,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 20001,
      logger: options.logger,
      webDist: options.webDist,
      stateDir: options.stateDir,
      // The identity is the simulator's admin: nothing real can be changed, so a demo shown on
      // another address still takes writes.
      allowAnonymousWrites: true,
    });
    const prom = prometheus;
    return {
      url: server.url,
      sim,
      server,
      telemetry,
      prometheusUrl: prom?.url,
      stop: async () => {
        await server.close();
        await prom?.stop();
        await sim.stop();
      },
    };
  } catch (err) {
    await prometheus?.stop();
    await sim.stop();
    throw err;
  }
}
