import { describe, expect, it } from 'vitest';
import { planScaleMesh, type ServicePlan } from './scale';

function byId(plans: ReturnType<typeof planScaleMesh>): Map<string, ServicePlan> {
  const out = new Map<string, ServicePlan>();
  for (const ns of plans) for (const s of ns.services) out.set(`${s.name}.${ns.name}`, s);
  return out;
}

function databases(plans: ReturnType<typeof planScaleMesh>): Set<string> {
  return new Set(plans.flatMap((ns) => (ns.database ? [`${ns.database.name}.${ns.name}`] : [])));
}

describe('planScaleMesh', () => {
  const plans = planScaleMesh(12, 30);
  const services = byId(plans);
  const dbs = databases(plans);

  it('has the requested namespaces, services and versions', () => {
    expect(plans.map((p) => p.name)).toEqual(Array.from({ length: 12 }, (_, i) => `scale-${i}`));
    for (const ns of plans) {
      expect(ns.services.map((s) => s.name)).toEqual(Array.from({ length: 30 }, (_, j) => `svc-${j}`));
      for (const [j, s] of ns.services.entries())
        expect(s.versions).toEqual(j % 3 === 0 ? ['v1', 'v2'] : ['v1']);
    }
  });

  it('leaves a few namespaces out of the mesh', () => {
    const outside = plans.filter((p) => !p.injected).map((p) => p.name);
    expect(outside).toEqual(['scale-9']);
    expect(planScaleMesh(5, 4).filter((p) => !p.injected)).toHaveLength(1);
    expect(planScaleMesh(1, 4).every((p) => p.injected)).toBe(true);
  });

  it('calls only existing services, without cycles, about four layers deep', () => {
    const depthOf = new Map<string, number>();
    const visit = (id: string, stack: Set<string>): number => {
      expect(stack.has(id), `cycle through ${id}`).toBe(false);
      const known = depthOf.get(id);
      if (known !== undefined) return known;
      if (dbs.has(id)) return 1;
      const s = services.get(id);
      expect(s, `unknown callee ${id}`).toBeDefined();
      stack.add(id);
      const depth = 1 + Math.max(0, ...(s?.calls ?? []).map((c) => visit(c, stack)));
      stack.delete(id);
      depthOf.set(id, depth);
      return depth;
    };
    const longest = Math.max(...[...services.keys()].map((id) => visit(id, new Set())));
    expect(longest).toBeGreaterThanOrEqual(4);
    expect(longest).toBeLessThanOrEqual(6); // 4 layers, a hop into the next namespace, a database
  });

  it('gives entry services 2-4 callees and a rate, and every other service a caller', () => {
    const called = new Set([...services.values()].flatMap((s) => s.calls));
    for (const [id, s] of services) {
      if (s.depth === 0) {
        expect(s.rps).toBeGreaterThan(0);
        expect(s.calls.length).toBeGreaterThanOrEqual(2);
        expect(s.calls.length).toBeLessThanOrEqual(5);
      } else {
        expect(s.rps).toBeUndefined();
        expect(called.has(id), `${id} is never called`).toBe(true);
      }
      if (s.depth < 3) expect(s.calls.length).toBeGreaterThanOrEqual(1);
      else expect(s.calls.filter((c) => !dbs.has(c))).toEqual([]);
    }
  });

  it('crosses into the next namespace now and then', () => {
    const cross = [...services.entries()].filter(([id, s]) =>
      s.calls.some((c) => c.split('.')[1] !== id.split('.')[1]),
    );
    expect(cross.length).toBeGreaterThan(0);
  });

  it('makes every fourth service gRPC, by port name or appProtocol', () => {
    for (const ns of plans)
      for (const [j, s] of ns.services.entries()) expect(s.protocol).toBe(j % 4 === 2 ? 'grpc' : 'http');
  });

  it('gives every other namespace a TCP database, called by svc-1, svc-5, … of that namespace', () => {
    expect(plans.map((p) => p.database?.name ?? '-')).toEqual([
      'mysql',
      '-',
      'redis',
      '-',
      'mongodb',
      '-',
      'mysql',
      '-',
      'redis',
      '-',
      'mongodb',
      '-',
    ]);
    for (const ns of plans) {
      const callers = ns.services
        .filter((s) => s.calls.some((c) => c.startsWith(`${ns.database?.name ?? '-'}.`)))
        .map((s) => s.name);
      if (!ns.database) expect(callers).toEqual([]);
      else expect(callers).toEqual(ns.services.filter((_, j) => j % 4 === 1).map((s) => s.name));
      for (const s of ns.services)
        for (const c of s.calls) if (dbs.has(c)) expect(c.split('.')[1]).toBe(ns.name);
    }
    // A namespace of one service: the entry service calls the database itself.
    expect(planScaleMesh(1, 1)[0]?.services[0]?.calls).toEqual(['mysql.scale-0']);
  });

  it('is deterministic', () => {
    expect(planScaleMesh(12, 30)).toEqual(plans);
  });
});
