import { describe, expect, it } from 'vitest';
import { judgeOrigin, publicOriginOf } from './originCheck';

const json = { 'content-type': 'application/json' };
const host = { host: '127.0.0.1:20001' };

describe('judgeOrigin', () => {
  it('lets every read through', () => {
    expect(judgeOrigin('GET', { origin: 'http://evil.example', ...host }, [])).toEqual({ ok: true });
  });
  it("accepts Sextant's own pages and scripts that send JSON or the custom header", () => {
    const own = { ...host, ...json, origin: 'http://127.0.0.1:20001', 'sec-fetch-site': 'same-origin' };
    expect(judgeOrigin('POST', own, [])).toEqual({ ok: true });
    expect(judgeOrigin('POST', { ...host, ...json }, [])).toEqual({ ok: true });
    expect(judgeOrigin('DELETE', { ...host, 'x-sextant-request': '1' }, [])).toEqual({ ok: true });
    expect(judgeOrigin('PUT', { ...host, ...json, 'sec-fetch-site': 'none' }, [])).toEqual({ ok: true });
  });
  it('refuses cross-site JSON, forms, text/plain and a bodiless post', () => {
    const cases = [
      { ...host, ...json, origin: 'http://evil.example:20001' },
      { ...host, ...json, 'sec-fetch-site': 'cross-site' },
      { ...host, ...json, 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:3000' },
      { ...host, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
      { ...host, 'content-type': 'text/plain' },
      { ...host, 'content-type': 'multipart/form-data; boundary=x' },
      { ...host },
      { ...host, ...json, origin: 'null' },
    ];
    for (const headers of cases) {
      expect(judgeOrigin('POST', headers, []).ok, JSON.stringify(headers)).toBe(false);
    }
  });
  it('names what it refused', () => {
    const v = judgeOrigin('POST', { ...host, ...json, origin: 'http://evil.example' }, []);
    expect(v).toEqual({ ok: false, reason: 'a request from the origin "http://evil.example"' });
  });
  it("accepts --public-url's origin when a proxy rewrites the Host", () => {
    const origins = publicOriginOf('https://Sextant.Example.com/ui/');
    expect(origins).toEqual(['https://sextant.example.com']);
    const proxied = { host: 'sextant.istio-system:20001', ...json, origin: 'https://sextant.example.com' };
    expect(judgeOrigin('POST', proxied, origins)).toEqual({ ok: true });
    expect(judgeOrigin('POST', { ...proxied, origin: 'http://sextant.example.com' }, origins).ok).toBe(false);
  });
});
