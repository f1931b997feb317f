import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubText } from './logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('debug', stream), lines };
}

const SECRET = 'sekrit-0123456789abcdef';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIn0.c2lnbmF0dXJl';

describe('createLogger redaction', () => {
  it('censors credential headers and fields at any depth', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: { headers: { authorization: `Bearer ${SECRET}`, cookie: `s=${SECRET}` } },
        res: { headers: { 'set-cookie': [`s=${SECRET}`] } },
        token: SECRET,
        a: { b: { c: { idToken: SECRET, client_secret: SECRET } } },
      },
      'request completed',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      req: { headers: { authorization: '[Redacted]', cookie: '[Redacted]' } },
      res: { headers: { 'set-cookie': '[Redacted]' } },
      token: '[Redacted]',
    });
  });
  it('scrubs bearer tokens and JWTs from messages and errors, and OAuth codes from URLs', () => {
    const { logger, lines } = capture();
    logger.warn(`upstream said: Authorization: Bearer ${SECRET}`);
    logger.error({ err: new Error(`refused ${JWT}`) }, 'failed');
    logger.info({ req: { url: `/api/auth/oidc/callback?code=${SECRET}&state=${SECRET}&x=1` } }, 'in');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain(JWT);
    }
    expect(lines[2]).toContain('code=[Redacted]&state=[Redacted]&x=1');
  });
  it('leaves ordinary text alone', () => {
    expect(scrubText('reviews v1 90%, v3 10%')).toBe('reviews v1 90%, v3 10%');
  });
});
