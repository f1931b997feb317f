import type { MeshSnapshot, WorkloadInfo } from './mesh';
import type { Random } from './random';
import type { HttpRequest } from './routing';
import { DEFAULT_PROFILE } from './scenario';
import type { Call, Flow, Handling, Scenario, WorkloadProfile } from './scenario';

/**
 * Bookinfo as the sample app behaves: browsers reach productpage through the ingress gateway,
 * productpage calls details then reviews (giving up after 3 s and retrying once, as its code
 * does), reviews v2/v3 call ratings (10 s timeout), ratings v2 reads mongodb over TCP when it
 * exists. Logged-in users (`jason`) get the `end-user` header propagated down the chain.
 * The curl pod (no sidecar) polls productpage in plaintext.
 */

export interface BookinfoKnobs {
  /** Browser requests per second entering at the ingress gateway. */
  gatewayRps: number;
  /** Requests per second from the curl pod. */
  curlRps: number;
  /** Share of browser sessions logged in as jason, 0..1. */
  jasonShare: number;
  /** Per-workload behaviour, by Deployment name. */
  profiles: Record<string, WorkloadProfile>;
}

export const BOOKINFO_KNOBS: BookinfoKnobs = {
  gatewayRps: 24,
  curlRps: 3,
  jasonShare: 0.2,
  profiles: {
    'productpage-v1': { medianMs: 12, sigma: 0.4, errorPercent: 0.2, errorCode: 500, responseBytes: 5200 },
    'details-v1': { medianMs: 3, sigma: 0.3, errorPercent: 0, errorCode: 500, responseBytes: 180 },
    'details-v2': { medianMs: 4, sigma: 0.3, errorPercent: 0, errorCode: 500, responseBytes: 190 },
    'reviews-v1': { medianMs: 6, sigma: 0.35, errorPercent: 0, errorCode: 500, responseBytes: 300 },
    'reviews-v2': { medianMs: 9, sigma: 0.4, errorPercent: 0.5, errorCode: 503, responseBytes: 420 },
    'reviews-v3': { medianMs: 14, sigma: 0.45, errorPercent: 1, errorCode: 500, responseBytes: 430 },
    'ratings-v1': { medianMs: 2, sigma: 0.3, errorPercent: 0.3, errorCode: 500, responseBytes: 50 },
    'ratings-v2': { medianMs: 3, sigma: 0.3, errorPercent: 0, errorCode: 500, responseBytes: 50 },
    mongodb: { medianMs: 1, sigma: 0.3, errorPercent: 0, errorCode: 500, responseBytes: 200 },
  },
};

const USER_AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
];

const STATIC_FILES = [
  '/static/bootstrap/css/bootstrap.min.css',
  '/static/jquery.min.js',
  '/static/img/izzy.png',
];

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random.next() * items.length)] as T;
}

/** A browser request as it arrives at the gateway. */
function browserRequest(random: Random, knobs: BookinfoKnobs): Call {
  const jason = random.next() < knobs.jasonShare;
  const headers: Record<string, string> = {
    'user-agent': pick(random, USER_AGENTS),
    'x-forwarded-proto': 'http',
  };
  if (jason) headers.cookie = 'session=jason';
  const roll = random.next();
  let path = '/productpage';
  let method = 'GET';
  if (roll >= 0.8 && roll < 0.9) path = pick(random, STATIC_FILES);
  else if (roll >= 0.9 && roll < 0.95)
    path = random.next() < 0.5 ? '/api/v1/products' : '/api/v1/products/0/reviews';
  else if (roll >= 0.95 && roll < 0.98) {
    path = '/login';
    method = 'POST';
  } else if (roll >= 0.98) path = '/logout';
  return { host: 'bookinfo.example.com', port: 8080, method, path, headers };
}

function endUser(request: HttpRequest): Record<string, string> {
  const fromHeader = request.headers['end-user'];
  if (fromHeader) return { 'end-user': fromHeader };
  const session = /(?:^|;\s*)session=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
  return session ? { 'end-user': session } : {};
}

export function bookinfoScenario(knobs: BookinfoKnobs = BOOKINFO_KNOBS): Scenario {
  const profileOf = (workload: WorkloadInfo): WorkloadProfile =>
    knobs.profiles[workload.name] ?? DEFAULT_PROFILE;

  return {
    flows(_snapshot: MeshSnapshot): Flow[] {
      return [
        {
          from: 'istio-system/istio-ingressgateway',
          rps: knobs.gatewayRps,
          request: (r) => browserRequest(r, knobs),
        },
        {
          from: 'curl/curl',
          rps: knobs.curlRps,
          request: () => ({
            host: 'productpage.bookinfo',
            port: 9080,
            method: 'GET',
            path: '/productpage',
            headers: { 'user-agent': 'curl/8.16.0', accept: '*/*' },
          }),
        },
      ];
    },

    handle(workload: WorkloadInfo, request: HttpRequest, _random: Random): Handling {
      const profile = profileOf(workload);
      const app = workload.labels.app ?? workload.name;
      const version = workload.labels.version ?? '';
      const path = request.path.split('?')[0] ?? request.path;
      const user = endUser(request);
      const calls: Call[] = [];

      if (app === 'productpage') {
        if (path.startsWith('/static'))
          return { profile: { ...profile, medianMs: 1.5, responseBytes: 40_000 }, calls };
        if (path === '/login' || path === '/logout')
          return { profile: { ...profile, okCode: 302, responseBytes: 220 }, calls };
        if (path === '/api/v1/products')
          return { profile: { ...profile, medianMs: 2, responseBytes: 400 }, calls };
        if (path === '/productpage') {
          calls.push({
            host: 'details',
            port: 9080,
            method: 'GET',
            path: '/details/0',
            headers: { ...user },
          });
        }
        if (path === '/productpage' || path.endsWith('/reviews')) {
          calls.push({
            host: 'reviews',
            port: 9080,
            method: 'GET',
            path: '/reviews/0',
            headers: { ...user },
            clientTimeoutMs: 3000,
            clientRetries: 1,
          });
        }
        return { profile, calls };
      }

      if (app === 'reviews' && (version === 'v2' || version === 'v3')) {
        calls.push({
          host: 'ratings',
          port: 9080,
          method: 'GET',
          path: '/ratings/0',
          headers: { ...user },
          clientTimeoutMs: 10_000,
        });
        return { profile, calls };
      }

      if (app === 'ratings' && version.startsWith('v2')) {
        const db = version === 'v2' ? { host: 'mongodb', port: 27017 } : { host: 'mysqldb', port: 3306 };
        calls.push({ ...db, method: 'GET', path: '/', headers: {} });
        return { profile, calls };
      }

      return { profile, calls };
    },
  };
}
