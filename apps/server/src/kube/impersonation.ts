import { request as httpRequest } from 'node:http';
import type { Agent as HttpAgent } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Agent as HttpsAgent } from 'node:https';
import {
  createConfiguration,
  KubeConfig,
  ResponseContext,
  SelfDecodingBody,
  ServerConfiguration,
  wrapHttpLibrary,
} from '@kubernetes/client-node';
import type { ApiConstructor, ApiType, PromiseHttpLibrary, RequestContext } from '@kubernetes/client-node';

/**
 * Sends client-node's requests with one `Impersonate-Group` header per group. client-node 1.x
 * knows only `Impersonate-User` and flattens header values into one string, while the API server
 * reads each repeated header as one group, so a joined "a,b" would be a single group named "a,b".
 */
class ImpersonatingHttp implements PromiseHttpLibrary {
  constructor(private readonly groups: readonly string[]) {}

  send(request: RequestContext): Promise<ResponseContext> {
    const url = new URL(request.getUrl());
    const headers: Record<string, string | string[]> = { ...request.getHeaders() };
    for (const key of Object.keys(headers))
      if (key.toLowerCase() === 'impersonate-group') delete headers[key];
    if (this.groups.length > 0) headers['Impersonate-Group'] = [...this.groups];
    const body = request.getBody();
    if (body !== undefined && typeof body !== 'string') {
      return Promise.reject(new Error('impersonated requests carry JSON bodies only'));
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method: request.getHttpMethod(),
          headers,
          agent: request.getAgent() as HttpsAgent | HttpAgent | undefined,
          signal: request.getSignal(),
        },
        (res) => {
          const chunks: Buffer[] = [];
          const data = new Promise<Buffer>((done, fail) => {
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => done(Buffer.concat(chunks)));
            res.on('error', fail);
          });
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
          }
          resolve(new ResponseContext(res.statusCode ?? 0, out, new SelfDecodingBody(data)));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** A KubeConfig whose API clients act as `user` in `groups` (the header strategy). */
export class ImpersonatingKubeConfig extends KubeConfig {
  constructor(private readonly groups: readonly string[]) {
    super();
  }

  override makeApiClient<T extends ApiType>(apiClientType: ApiConstructor<T>): T {
    const cluster = this.getCurrentCluster();
    if (!cluster) throw new Error('No active cluster!');
    return new apiClientType(
      createConfiguration({
        baseServer: new ServerConfiguration(cluster.server, {}),
        authMethods: { default: this },
        httpApi: wrapHttpLibrary(new ImpersonatingHttp(this.groups)),
      }),
    );
  }
}
