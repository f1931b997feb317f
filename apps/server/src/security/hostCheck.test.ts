import { describe, expect, it } from 'vitest';
import { hostAllowed, hostRules, LOOPBACK_HOSTS, parseHost } from './hostCheck';

const loopback = hostRules(LOOPBACK_HOSTS);

describe('parseHost', () => {
  it('splits names, IPv4 and bracketed IPv6 from their port, in lower case', () => {
    expect(parseHost('LocalHost:20001')).toEqual({ name: 'localhost', port: '20001' });
    expect(parseHost('[::1]:8080')).toEqual({ name: '[::1]', port: '8080' });
    expect(parseHost('sextant.istio-system.svc.')).toEqual({ name: 'sextant.istio-system.svc' });
  });
  it('refuses anything that is not host[:port]', () => {
    for (const bad of ['', 'evil.example@127.0.0.1', '127.0.0.1/x', 'a b', '::1', 'host:', 'host:abc']) {
      expect(parseHost(bad)).toBeUndefined();
    }
  });
});

describe('hostAllowed', () => {
  it('allows loopback names on any port', () => {
    for (const h of ['localhost', '127.0.0.1:20001', '[::1]:5173', 'LOCALHOST:1']) {
      expect(hostAllowed(h, loopback)).toBe(true);
    }
  });
  it('refuses a rebinding name, other addresses and a missing Host', () => {
    for (const h of ['evil.example:20001', '127.0.0.1.evil.example', '10.0.0.5:20001', undefined, '']) {
      expect(hostAllowed(h, loopback)).toBe(false);
    }
  });
  it('pins the port when the rule names one', () => {
    const rules = hostRules(['sextant.example.com:443', 'sextant.istio-system', '::1']);
    expect(hostAllowed('sextant.example.com:443', rules)).toBe(true);
    expect(hostAllowed('sextant.example.com:8443', rules)).toBe(false);
    expect(hostAllowed('sextant.istio-system:20001', rules)).toBe(true);
    expect(hostAllowed('[::1]:9', rules)).toBe(true);
  });
  it('throws on a malformed --allowed-hosts entry', () => {
    expect(() => hostRules(['https://sextant.example.com'])).toThrow(/--allowed-hosts: "https:\/\/sextant/);
  });
});
