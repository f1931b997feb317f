import { describe, expect, it } from 'vitest';
import { validateGateway } from './gateway';
import { bookinfoConfig, istioObject } from './testInventory';

const server = (host: string, port = 80, tls?: Record<string, unknown>) => ({
  port: { number: port, name: `p${port}`, protocol: tls ? 'HTTPS' : 'HTTP' },
  hosts: [host],
  ...(tls ? { tls } : {}),
});
const gw = (
  name: string,
  servers: unknown[],
  selector: Record<string, string> = { istio: 'ingressgateway' },
) => istioObject('Gateway', name, { selector, servers });

describe('validateGateway', () => {
  it('SX4001: a selector matching no gateway pod', () => {
    const o = gw('g', [server('*')], { istio: 'ingress' });
    const found = validateGateway(o, bookinfoConfig(o));
    expect(found.map((v) => `${v.code} ${v.severity} ${v.path}`)).toEqual(['SX4001 warning spec.selector']);
  });
  it('SX4002: the same host and port on two Gateways of the same pods', () => {
    const a = gw('a', [server('shop.example.com'), server('api.example.com')]);
    const b = gw('b', [server('bookinfo/shop.example.com'), server('api.example.com', 8080)]);
    const found = validateGateway(a, bookinfoConfig(a, b));
    expect(found.map((v) => `${v.code} ${v.path}`)).toEqual(['SX4002 spec.servers[0].hosts[0]']);
    expect(found[0]?.message).toContain('bookinfo/b also serves "shop.example.com" on port 80');
  });
  it('SX4003: credentialName with no Secret in the gateway namespace (only when Secrets are known)', () => {
    const o = gw('tls', [server('shop.example.com', 443, { mode: 'SIMPLE', credentialName: 'shop-cert' })]);
    const config = bookinfoConfig(o);
    expect(validateGateway(o, config)).toEqual([]);
    expect(validateGateway(o, config, new Set(['istio-system/shop-cert']))).toEqual([]);
    expect(
      validateGateway(o, config, new Set(['bookinfo/shop-cert'])).map((v) => `${v.code} ${v.path}`),
    ).toEqual(['SX4003 spec.servers[0].tls.credentialName']);
  });
});
