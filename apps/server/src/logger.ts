import { pino } from 'pino';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';

/** Header and field names whose values are credentials: never written to a log line. */
const SECRET_KEYS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-auth-request-access-token',
  'x-forwarded-access-token',
  'x-auth-request-id-token',
  'token',
  'bearerToken',
  'accessToken',
  'idToken',
  'refreshToken',
  'access_token',
  'id_token',
  'refresh_token',
  'password',
  'clientSecret',
  'client_secret',
  'sessionSecret',
];
/** pino's wildcards match one level each, so every key is listed at the depths a log object has. */
const DEPTHS = ['', '*.', '*.*.', '*.*.*.', '*.*.*.*.'];
/** Request URLs: their query may carry an OAuth code or a token. */
const URL_PATHS = ['req.url', 'url'];

const CENSORED = '[Redacted]';
const QUERY_SECRET = /([?&](?:code|token|access_token|id_token|refresh_token|state|session)=)[^&#]*/gi;
// `Bearer <token>` and JWTs (three base64url parts, the first a JSON header) inside free text.
const TEXT_SECRET = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+|\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** Free text with bearer tokens and JWTs replaced, for messages and error texts. */
export function scrubText(text: string): string {
  return text.replace(TEXT_SECRET, (_m, bearer?: string) => (bearer ? `${bearer}${CENSORED}` : CENSORED));
}

function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1];
  if (key === 'url' && typeof value === 'string') return value.replace(QUERY_SECRET, `$1${CENSORED}`);
  return CENSORED;
}

const bracket = (k: string): string => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`);

/** The logger's settings: redaction of credentials everywhere (headers, bodies, errors, URLs). */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'sextant' },
    redact: {
      paths: [...DEPTHS.flatMap((d) => SECRET_KEYS.map((k) => `${d}${bracket(k)}`)), ...URL_PATHS],
      censor,
    },
    serializers: {
      err: (err: unknown) => {
        const out = pino.stdSerializers.err(err as Error);
        if (typeof out.message === 'string') out.message = scrubText(out.message);
        if (typeof out.stack === 'string') out.stack = scrubText(out.stack);
        return out;
      },
    },
    hooks: {
      // Message strings (`log.warn('…')`, `log.info(obj, '…')`) are scrubbed of bearer tokens too.
      logMethod(args, method) {
        const scrubbed = args.map((a: unknown) => (typeof a === 'string' ? scrubText(a) : a));
        method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
}

/** The one logger: JSON lines on stderr (or `destination`), level from LOG_LEVEL (default info). */
export function createLogger(
  level = process.env.LOG_LEVEL ?? 'info',
  destination: DestinationStream = pino.destination(2),
): Logger {
  return pino(loggerOptions(level), destination);
}
