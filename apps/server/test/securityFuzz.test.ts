import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CONTEXT, startMeshSim } from '@sextant/mesh-sim';
import type { MeshSim } from '@sextant/mesh-sim';
import { IstioObjectWithValidations, TrafficShiftResponse } from '@sextant/shared';
import { startServer } from '../src/server';
import type { RunningServer } from '../src/server';
import { getJson, silentLogger } from './helpers';
import { countIstioWrites, istioVersions } from './securityHelpers';

/**
 * Property-based fuzzing of every write endpoint and the YAML endpoints: each generated request
 * starts from a body that would be applied and carries at least one hostile part (an unknown or
 * prototype key, a number outside the Istio field's type, a wrong type, deep nesting, a huge or
 * strange string, a body where none belongs). `dryRun` is false and the resourceVersions are the
 * live ones, so any gap in validation would write. The property: no write, no 5xx.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1200);

let sim: MeshSim;
let stateDir: string;
let server: RunningServer;
let writes: ReturnType<typeof countIstioWrites>;
let live: { vs: Record<string, unknown>; vsVersion: string; drVersion: string; historyId: string };

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: false });
  stateDir = await mkdtemp(join(tmpdir(), 'sextant-fuzz-'));
  server = await startServer({
    kubeconfig: sim.kubeconfig,
    context: ADMIN_CONTEXT,
    port: 0,
    logger: silentLogger(),
    webDist: '/nonexistent',
    stateDir,
    // The fuzz sends more than a person's changes a minute; the limit has its own test.
    writesPerMinute: 1_000_000,
  });
  // One real change, so there is a history entry a rollback could undo.
  const shifted = await getJson(`${server.url}/api/namespaces/bookinfo/services/reviews/traffic-shift`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ weights: { v1: 50, v3: 50 } }),
  });
  expect(shifted.status).toBe(200);
  const historyId = TrafficShiftResponse.parse(shifted.body).historyId ?? '';
  const vsRes = await getJson(`${server.url}/api/istio/bookinfo/virtualservices/reviews`);
  const drRes = await getJson(`${server.url}/api/istio/bookinfo/destinationrules/reviews`);
  const vs = IstioObjectWithValidations.parse(vsRes.body).object;
  live = {
    vs,
    vsVersion: vs.metadata.resourceVersion ?? '',
    drVersion: IstioObjectWithValidations.parse(drRes.body).object.metadata.resourceVersion ?? '',
    historyId,
  };
  // The change above is in the cache before the fuzz starts comparing.
  writes = countIstioWrites(sim);
});

afterAll(async () => {
  writes?.stop();
  await server?.close();
  await sim?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Body = { [k: string]: Json };
interface FuzzRequest {
  endpoint: string;
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** The raw body text; JSON unless `contentType` says otherwise. */
  body?: string;
  contentType?: string;
}

// ---- hostile material ------------------------------------------------------------------------

const nest = (depth: number, leaf: Json): Json => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
};
const deep = fc.integer({ min: 65, max: 3000 }).map((n) => nest(n, 1));
const badNumbers = fc.oneof(
  fc.constantFrom(
    1e20,
    1e308,
    -1e308,
    2 ** 31,
    2 ** 32,
    2 ** 53 + 2,
    -1,
    0.5,
    100.0001,
    -0.0001,
    101,
    4294967296,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: 1e10 }),
  fc.integer({ max: -1 }),
);
const nanStrings = fc.constantFrom(
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '0x1F',
  '',
  ' ',
  'null',
  'undefined',
  'true',
  ' 5s',
  '5s ',
  '５s',
  '1e3s',
  '-5s',
  '0s',
  '0ms',
  '0.0001ms',
  '99999999999999h',
  '5 seconds',
  '\u0000',
  '%00',
  '../../etc',
);
const unicode = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
const long = fc.integer({ min: 2_000, max: 60_000 }).map((n) => '𝕏'.repeat(Math.ceil(n / 2)));
const wrongTypes = fc.constantFrom<Json>(null, true, false, [], {}, [1, 'a'], { a: 1 }, 0, -1, '');
const hostileValue: fc.Arbitrary<Json> = fc.oneof(deep, badNumbers, nanStrings, unicode, long, wrongTypes);
const protoKeys = fc.constantFrom('__proto__', 'constructor', 'prototype');
const oddKeys = fc.oneof(
  protoKeys,
  fc.constantFrom(
    'timeOut',
    'Weights',
    'tls',
    'max_connections',
    'weight',
    '',
    ' ',
    'weights ',
    '\u0000',
    'x'.repeat(500),
  ),
  unicode,
);

/** `value` about one time in twelve, undefined otherwise. */
const rarely = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 11, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });

// ---- paths into a body -------------------------------------------------------------------------

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
function setAt(body: Body, path: readonly string[], value: Json): void {
  let o: { [k: string]: Json } = body;
  for (const key of path.slice(0, -1)) {
    const next = o[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      const fresh: { [k: string]: Json } = {};
      o[key] = fresh;
      o = fresh;
    } else o = next;
  }
  const last = path[path.length - 1];
  // defineProperty: `__proto__` becomes an own key, as JSON.parse makes it, not a prototype.
  // A copy: the hostile constants are shared between runs and must never be mutated or aliased.
  if (last !== undefined)
    Object.defineProperty(o, last, {
      value: clone(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

/**
 * A hostile request from a valid body: `strict` are the object paths whose keys are checked
 * (an extra key there must be refused), `fields` the paths with the values no hostile value
 * can satisfy, `bad` per-field values that are wrong for that field in particular.
 */
function poisoned(spec: {
  endpoint: string;
  method: 'POST' | 'PUT' | 'DELETE';
  path: fc.Arbitrary<string>;
  bases: Body[];
  strict: string[][];
  known: Record<string, string[]>;
  fields: { path: string[]; bad: fc.Arbitrary<Json> }[];
}): fc.Arbitrary<FuzzRequest> {
  const unknownKey = fc
    .tuple(fc.constantFrom(...spec.strict), oddKeys, hostileValue)
    .filter(([at, key]) => !(spec.known[at.join('.')] ?? []).includes(key))
    .map(
      ([at, key, value]) =>
        (b: Body) =>
          setAt(b, [...at, key], value),
    );
  const badField = fc
    .constantFrom(...spec.fields)
    .chain((f) => f.bad.map((value) => (b: Body) => setAt(b, f.path, value)));
  const notAnObject = fc
    .constantFrom<Json>([], [1], 'weights', 7, null, true)
    .map((v) => ({ raw: JSON.stringify(v) }));
  const rawText = fc
    .constantFrom(
      '{',
      '{"weights":',
      '{"a":1,}',
      "{'a':1}",
      '{"a":NaN}',
      '{"a":1e999999}',
      '\uFEFF{}',
      'x'.repeat(70),
    )
    .map((raw) => ({ raw }));
  const mutation = fc.oneof(
    { weight: 4, arbitrary: fc.array(fc.oneof(unknownKey, badField), { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.oneof(notAnObject, rawText) },
  );
  const wrongType = rarely(
    fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml'),
  );
  return fc
    .record({ base: fc.constantFrom(...spec.bases), path: spec.path, mutation, wrongType })
    .map(({ base, path, mutation, wrongType }) => {
      let body: string;
      if ('raw' in mutation) body = mutation.raw;
      else {
        const b = clone(base);
        for (const m of mutation) m(b);
        body = JSON.stringify(b);
      }
      return {
        endpoint: spec.endpoint,
        method: spec.method,
        path,
        body,
        contentType: wrongType ?? 'application/json',
      };
    });
}

// ---- the endpoints -----------------------------------------------------------------------------

const SVC = '/api/namespaces/bookinfo/services/reviews';
const percent = fc.oneof(badNumbers, fc.constantFrom<Json>('50', null, [], {}, true));
const count = fc.oneof(
  badNumbers.filter((n) => n > 2 ** 31 - 1 || n < 1 || !Number.isInteger(n)),
  fc.constantFrom<Json>(0, '5', null, {}),
);
const duration = fc.oneof(
  nanStrings,
  unicode.filter((s) => !/^\d+(\.\d+)?(ms|s|m|h)$/.test(s)),
  wrongTypes,
);
const rv = () => live.vsVersion;

function endpoints(): fc.Arbitrary<FuzzRequest>[] {
  const withRv = (b: Body, version: string): Body[] => [b, { ...b, resourceVersion: version }];
  const trafficShift = poisoned({
    endpoint: 'traffic-shift',
    method: 'POST',
    path: fc.constant(`${SVC}/traffic-shift?dryRun=false`),
    bases: withRv({ weights: { v1: 10, v3: 90 } }, rv()),
    strict: [[]],
    known: { '': ['weights', 'resourceVersion'] },
    fields: [
      { path: ['weights', 'v1'], bad: percent },
      { path: ['weights', 'v3'], bad: fc.oneof(percent, fc.constantFrom<Json>(89, 91, 0)) },
      { path: ['weights'], bad: fc.oneof(wrongTypes, fc.constant<Json>({ v1: -50, v3: 150 })) },
      { path: ['resourceVersion'], bad: fc.oneof(nanStrings, unicode, wrongTypes).filter((v) => v !== rv()) },
    ],
  });
  const routePolicy = poisoned({
    endpoint: 'route-policy',
    method: 'POST',
    path: fc.constant(`${SVC}/route-policy?dryRun=false`),
    bases: withRv(
      {
        policy: {
          timeout: '3s',
          retries: { attempts: 3, perTryTimeout: '1s' },
          fault: { abort: { percent: 10, httpStatus: 503 } },
        },
      },
      rv(),
    ),
    strict: [[], ['policy'], ['policy', 'retries'], ['policy', 'fault'], ['policy', 'fault', 'abort']],
    known: {
      '': ['policy', 'resourceVersion'],
      policy: ['timeout', 'retries', 'fault'],
      'policy.retries': ['attempts', 'perTryTimeout', 'retryOn'],
      'policy.fault': ['delay', 'abort'],
      'policy.fault.abort': ['percent', 'httpStatus'],
    },
    fields: [
      { path: ['policy', 'timeout'], bad: duration },
      { path: ['policy', 'retries', 'attempts'], bad: percent },
      { path: ['policy', 'retries', 'perTryTimeout'], bad: duration },
      { path: ['policy', 'fault', 'abort', 'percent'], bad: percent },
      {
        path: ['policy', 'fault', 'abort', 'httpStatus'],
        bad: fc.oneof(badNumbers, fc.constantFrom<Json>(199, 600, '503')),
      },
      {
        path: ['policy'],
        bad: wrongTypes.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
      },
    ],
  });
  const destinationPolicy = poisoned({
    endpoint: 'destination-policy',
    method: 'POST',
    path: fc.constant(`${SVC}/destination-policy?dryRun=false`),
    bases: withRv(
      {
        policy: {
          tlsMode: 'ISTIO_MUTUAL',
          connectionPool: { maxConnections: 100 },
          outlierDetection: { consecutive5xxErrors: 5, interval: '10s' },
        },
      },
      live?.drVersion ?? '',
    ),
    strict: [[], ['policy'], ['policy', 'connectionPool'], ['policy', 'outlierDetection']],
    known: {
      '': ['policy', 'resourceVersion'],
      policy: ['tlsMode', 'loadBalancer', 'connectionPool', 'outlierDetection'],
      'policy.connectionPool': ['maxConnections', 'http1MaxPendingRequests', 'maxRequestsPerConnection'],
      'policy.outlierDetection': [
        'consecutive5xxErrors',
        'interval',
        'baseEjectionTime',
        'maxEjectionPercent',
      ],
    },
    fields: [
      {
        path: ['policy', 'tlsMode'],
        bad: fc.oneof(
          unicode.filter((s) => !['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'].includes(s)),
          wrongTypes,
        ),
      },
      { path: ['policy', 'connectionPool', 'maxConnections'], bad: count },
      { path: ['policy', 'connectionPool', 'http1MaxPendingRequests'], bad: count },
      {
        path: ['policy', 'outlierDetection', 'consecutive5xxErrors'],
        bad: fc.oneof(fc.constantFrom<Json>(2 ** 32, 1e20, -1, 0.5, 0), wrongTypes),
      },
      { path: ['policy', 'outlierDetection', 'interval'], bad: duration },
      { path: ['policy', 'outlierDetection', 'maxEjectionPercent'], bad: percent },
    ],
  });
  const requestRouting = poisoned({
    endpoint: 'request-routing',
    method: 'POST',
    path: fc.constant(`${SVC}/request-routing?dryRun=false`),
    bases: withRv(
      {
        rules: [
          { match: { headers: { 'end-user': { exact: 'jason' } } }, route: { subset: 'v2' } },
          { match: { uri: { prefix: '/api' } }, route: { weights: { v1: 50, v3: 50 } } },
        ],
      },
      rv(),
    ),
    strict: [[]],
    known: { '': ['rules', 'resourceVersion'] },
    fields: [
      {
        path: ['rules'],
        bad: fc.oneof(
          wrongTypes.filter((v) => !Array.isArray(v) || v.length > 0),
          fc.constant<Json>([{ route: { subset: 'v1' } }]),
        ),
      },
      {
        path: ['rules'],
        bad: fc.tuple(oddKeys, hostileValue).map(([k, v]): Json => {
          const rule: { [k: string]: Json } = { match: { uri: { prefix: '/x' } }, route: { subset: 'v1' } };
          Object.defineProperty(rule, k === 'match' || k === 'route' ? `${k}_` : k, {
            value: v,
            enumerable: true,
          });
          return [rule];
        }),
      },
      {
        path: ['rules'],
        bad: fc
          .tuple(percent, percent)
          .map(([a, b]): Json => [
            { match: { uri: { prefix: '/x' } }, route: { weights: { v1: a, v3: b } } },
          ]),
      },
      {
        path: ['rules'],
        bad: fc.constantFrom<Json>(
          [{ match: { uri: { regex: '(' } }, route: { subset: 'v1' } }],
          [{ match: { headers: { 'bad header': { exact: 'x' } } }, route: { subset: 'v1' } }],
          [{ match: { uri: { prefix: '/x' } }, route: { subset: 'v9' } }],
          [{ match: { uri: { prefix: '/x', exact: '/y' } }, route: { subset: 'v1' } }],
          [{ match: {}, route: { subset: 'v1' } }],
          Array.from({ length: 101 }, () => ({ match: { uri: { prefix: '/x' } }, route: { subset: 'v1' } })),
        ),
      },
    ],
  });
  const peerAuthentication = poisoned({
    endpoint: 'peer-authentication',
    method: 'POST',
    path: fc.constant('/api/namespaces/bookinfo/peer-authentication?dryRun=false'),
    bases: [{ mode: 'STRICT' }, { mode: 'PERMISSIVE', workload: { labels: { app: 'reviews' } } }],
    strict: [[], ['workload']],
    known: { '': ['mode', 'workload', 'name', 'resourceVersion'], workload: ['labels'] },
    fields: [
      {
        path: ['mode'],
        bad: fc.oneof(
          unicode.filter((s) => !['STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET'].includes(s)),
          wrongTypes,
        ),
      },
      {
        path: ['name'],
        bad: fc.oneof(
          unicode.filter((s) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s)),
          wrongTypes,
          long,
        ),
      },
      {
        path: ['workload', 'labels'],
        bad: fc.oneof(
          wrongTypes.filter(
            (v) =>
              !(
                typeof v === 'object' &&
                v !== null &&
                !Array.isArray(v) &&
                Object.keys(v).length > 0 &&
                Object.values(v).every((x) => typeof x === 'string')
              ),
          ),
          fc.constant<Json>({ 'bad key!': 'x' }),
          fc.constant<Json>({ app: 'x'.repeat(64) }),
        ),
      },
      { path: ['resourceVersion'], bad: fc.oneof(nanStrings, wrongTypes) },
    ],
  });

  // Bodies where none belongs: any key at all is refused, even with the live resourceVersion.
  const someBody = fc
    .dictionary(oddKeys, hostileValue, { minKeys: 1, maxKeys: 3 })
    .map((o) => JSON.stringify(o));
  const removeRouting = someBody.map((body): FuzzRequest => ({
    endpoint: 'routing DELETE',
    method: 'DELETE',
    path: `${SVC}/routing?resourceVersion=${rv()}`,
    body,
  }));
  const hostileId = fc.oneof(
    unicode,
    fc.constantFrom('..', '%2e%2e', 'x'.repeat(2000), 'a/b', '00000000-0000'),
  );
  const rollback = fc.oneof(
    someBody.map((body): FuzzRequest => ({
      endpoint: 'rollback',
      method: 'POST',
      path: `/api/history/${live.historyId}/rollback`,
      body,
    })),
    fc.tuple(hostileId, fc.option(someBody)).map(([id, body]): FuzzRequest => ({
      endpoint: 'rollback',
      method: 'POST',
      path: `/api/history/${encodeURIComponent(id)}/rollback`,
      body: body ?? undefined,
    })),
  );

  // The YAML endpoints: a valid VirtualService with something Istio or Sextant must refuse.
  const vsBase = (): Body => clone(live.vs) as Body;
  // A create takes any valid name and ignores resourceVersion, so those poison updates only.
  const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
  const yamlPoison = (fresh: boolean) =>
    fc.oneof(
      fc.constantFrom<(b: Body) => void>(
        ...(fresh
          ? []
          : [
              (b: Body) => setAt(b, ['metadata', 'name'], 'ratings'),
              (b: Body) => setAt(b, ['metadata', 'resourceVersion'], '1'),
            ]),
        (b) => setAt(b, ['kind'], 'DestinationRule'),
        (b) => setAt(b, ['apiVersion'], 'v1'),
        (b) => setAt(b, ['metadata', 'namespace'], 'default'),
        (b) =>
          setAt(
            b,
            ['spec', 'http'],
            [
              {
                route: [
                  { destination: { host: 'reviews', subset: 'v1' }, weight: -50 },
                  { destination: { host: 'reviews', subset: 'v3' }, weight: 150 },
                ],
              },
            ],
          ),
        (b) =>
          setAt(
            b,
            ['spec', 'http'],
            [
              {
                route: [
                  { destination: { host: 'reviews', subset: 'v1' }, weight: 70 },
                  { destination: { host: 'reviews', subset: 'v3' }, weight: 20 },
                ],
              },
            ],
          ),
        (b) => setAt(b, ['spec', 'http'], [{ route: [{ destination: { host: 'reviews', subset: 'v9' } }] }]),
        (b) => setAt(b, ['spec', 'hosts'], []),
      ),
      fc.tuple(fc.constantFrom(['spec'], ['metadata'], []), protoKeys, hostileValue).map(
        ([at, k, v]) =>
          (b: Body) =>
            setAt(b, [...at, k], v),
      ),
      fc
        .tuple(
          fc.constantFrom(['kind'], ['apiVersion'], ['metadata'], ['metadata', 'name']),
          fc.oneof(
            wrongTypes,
            unicode.filter(
              (s) =>
                !['VirtualService', 'networking.istio.io/v1', 'reviews'].includes(s) && !DNS_NAME.test(s),
            ),
            deep,
          ),
        )
        .map(
          ([at, v]) =>
            (b: Body) =>
              setAt(b, at, v),
        ),
      deep.map((v) => (b: Body) => setAt(b, ['spec', 'x'], v)),
      fc.tuple(badNumbers, badNumbers).map(
        ([a, c]) =>
          (b: Body) =>
            setAt(
              b,
              ['spec', 'http'],
              [
                {
                  route: [
                    { destination: { host: 'reviews', subset: 'v1' }, weight: a },
                    { destination: { host: 'reviews', subset: 'v3' }, weight: c },
                  ],
                },
              ],
            ),
      ),
    );
  const yaml = (method: 'PUT' | 'POST', fresh: boolean) =>
    fc
      .tuple(
        fc.array(yamlPoison(fresh), { minLength: 1, maxLength: 3 }),
        rarely(fc.constantFrom('text/plain', 'application/xml')),
      )
      .map(([poisons, wrongType]): FuzzRequest => {
        const b = vsBase();
        if (fresh) {
          setAt(b, ['metadata'], { name: 'fuzz-created', namespace: 'bookinfo' });
          setAt(b, ['spec', 'hosts'], ['reviews']);
        }
        for (const p of poisons) p(b);
        return {
          endpoint: `YAML ${method}`,
          method,
          path: fresh
            ? '/api/istio/bookinfo/virtualservices?dryRun=false'
            : '/api/istio/bookinfo/virtualservices/reviews?dryRun=false',
          body: JSON.stringify(b),
          contentType: wrongType ?? 'application/json',
        };
      });
  const yamlDelete = someBody.map((body): FuzzRequest => ({
    endpoint: 'YAML DELETE',
    method: 'DELETE',
    path: `/api/istio/bookinfo/virtualservices/reviews?resourceVersion=${rv()}`,
    body,
  }));

  return [
    trafficShift,
    routePolicy,
    destinationPolicy,
    requestRouting,
    peerAuthentication,
    removeRouting,
    rollback,
    yaml('PUT', false),
    yaml('POST', true),
    yamlDelete,
  ];
}

describe('fuzz: hostile bodies on every write endpoint', () => {
  it(`${RUNS} generated requests: 0 writes, 0 responses ≥ 500`, async () => {
    const before = istioVersions(sim);
    const historyBefore = await readFile(join(stateDir, 'history.jsonl'), 'utf8');
    const statuses = new Map<string, Map<number, number>>();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(...endpoints()), async (r) => {
        const writesBefore = writes.count();
        const res = await fetch(`${server.url}${r.path}`, {
          method: r.method,
          headers: {
            'x-sextant-request': '1',
            ...(r.body === undefined ? {} : { 'content-type': r.contentType ?? 'application/json' }),
          },
          body: r.body,
        });
        const text = await res.text();
        if (process.env.FUZZ_DEBUG)
          process.stderr.write(
            `${res.status} ${r.method} ${r.path} ${(r.body ?? '').slice(0, 200)} → ${text.slice(0, 200)}\n`,
          );
        sent++;
        const perEndpoint = statuses.get(r.endpoint) ?? new Map<number, number>();
        perEndpoint.set(res.status, (perEndpoint.get(res.status) ?? 0) + 1);
        statuses.set(r.endpoint, perEndpoint);
        expect(res.status, `${r.method} ${r.path} ${(r.body ?? '').slice(0, 300)}`).toBeGreaterThanOrEqual(
          400,
        );
        expect(res.status, `${r.method} ${r.path} ${(r.body ?? '').slice(0, 300)}`).toBeLessThan(500);
        expect(writes.count() - writesBefore, `${r.method} ${r.path} ${(r.body ?? '').slice(0, 300)}`).toBe(
          0,
        );
      }),
      { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    expect(sent).toBeGreaterThanOrEqual(RUNS);
    expect(istioVersions(sim)).toEqual(before);
    expect(await readFile(join(stateDir, 'history.jsonl'), 'utf8')).toBe(historyBefore);
    // Every endpoint was reached, and the table is in the log for whoever reads the run.
    expect([...statuses.keys()].sort()).toEqual(
      [
        'YAML DELETE',
        'YAML POST',
        'YAML PUT',
        'destination-policy',
        'peer-authentication',
        'request-routing',
        'rollback',
        'route-policy',
        'routing DELETE',
        'traffic-shift',
      ].sort(),
    );
    process.stdout.write(
      `fuzz: ${sent} requests\n${[...statuses]
        .map(
          ([e, s]) =>
            `  ${e}: ${[...s]
              .sort()
              .map(([c, n]) => `${c}×${n}`)
              .join(' ')}`,
        )
        .join('\n')}\n`,
    );
  });
});
