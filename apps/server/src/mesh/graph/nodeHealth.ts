import type { Health } from '@sextant/shared';
import { tallyHealth, worstHealth } from '../health';
import type { ErrorTally, HealthThresholds } from '../health';
import type { WorkingGraph } from './model';
import { addTo, errorRps } from './stats';
import { round, roundAll } from './round';

const tally = (): ErrorTally => ({ total: 0, serverErrors: 0, clientErrors: 0 });

/**
 * Stage 7, health: node traffic and health from the finished edges, so every graph type agrees.
 * A node's health is that of the requests it received (and, for apps and workloads, of those it
 * sent), with Kiali's separate thresholds for 5xx-like and 4xx-like errors; a box takes the worst
 * of its members.
 */
export function addHealth(g: WorkingGraph, thresholds: HealthThresholds): void {
  const inbound = new Map<string, ErrorTally>();
  const outbound = new Map<string, ErrorTally>();
  const inCodes = new Map<string, Record<string, number>>();
  const inFlags = new Map<string, Record<string, number>>();
  const tcpTouched = new Set<string>();
  const get = <T>(m: Map<string, T>, id: string, make: () => T): T => {
    let v = m.get(id);
    if (v === undefined) m.set(id, (v = make()));
    return v;
  };
  for (const e of g.edges.values()) {
    if (e.idle) continue;
    if (e.protocol === 'tcp') {
      tcpTouched.add(e.source).add(e.target);
      continue;
    }
    for (const [map, id] of [
      [inbound, e.target],
      [outbound, e.source],
    ] as const) {
      const t = get(map, id, tally);
      t.total += e.stats.rps;
      t.serverErrors += e.stats.serverErrorRps;
      t.clientErrors += e.stats.clientErrorRps;
    }
    const codes = get(inCodes, e.target, () => ({}));
    for (const [code, v] of Object.entries(e.stats.byCode)) addTo(codes, code, v);
    const flags = get(inFlags, e.target, () => ({}));
    for (const [flag, v] of Object.entries(e.stats.byFlag)) addTo(flags, flag, v);
  }
  // Node error rates count the same errors as edges do.
  const inErrors = new Map<string, number>();
  for (const e of g.edges.values())
    if (!e.idle && e.protocol !== 'tcp')
      inErrors.set(e.target, (inErrors.get(e.target) ?? 0) + errorRps(e.stats));

  for (const n of g.nodes.values()) {
    if (n.isBox) continue;
    const tin = inbound.get(n.id) ?? tally();
    const tout = outbound.get(n.id) ?? tally();
    let health: Health = tallyHealth(tin, thresholds);
    if (n.nodeType === 'app' || n.nodeType === 'workload')
      health = worstHealth(health, tallyHealth(tout, thresholds));
    if (n.nodeType === 'unknown') health = 'na';
    else if (health === 'na' && tcpTouched.has(n.id)) health = 'healthy';
    n.health = health;
    if (tin.total > 0 || tout.total > 0) {
      n.traffic = {
        rpsIn: round(tin.total),
        rpsOut: round(tout.total),
        errorRateIn: tin.total > 0 ? round((inErrors.get(n.id) ?? 0) / tin.total) : 0,
        byCode: roundAll(inCodes.get(n.id) ?? {}),
        byFlag: roundAll(inFlags.get(n.id) ?? {}),
      };
    }
  }
  for (const n of g.nodes.values()) {
    if (n.parent === undefined) continue;
    const box = g.nodes.get(n.parent);
    if (box) box.health = worstHealth(box.health, n.health);
  }
}
