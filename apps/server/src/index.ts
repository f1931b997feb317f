/** @sextant/server: the Sextant API server as a library (the CLI is src/cli.ts). */
export { createApp } from './app';
export type { AppDeps } from './app';
export { startServer, defaultWebDist } from './server';
export type { ServeOptions, RunningServer } from './server';
export { startDemo, findPrometheus } from './demo';
export type { DemoOptions, RunningDemo } from './demo';
export { buildGraph } from './mesh/graph/index';
export type { GraphOptions } from './mesh/graph/index';
export { PromClient, PrometheusError } from './prom/client';
export { requestsQuery, latencyQuery, tcpQuery } from './prom/queries';
export { PrometheusSource } from './prom/prometheusSource';
export { SimulatorSource } from './prom/simulatorSource';
export type { TelemetrySource } from './prom/source';
