// The slice of spdy-transport@3 (untyped CommonJS) that the port-forward server uses.
declare module 'spdy-transport' {
  import type { Duplex } from 'node:stream';

  /** One direction of a flow-control window. */
  export interface SpdyWindowSide {
    current: number;
    max: number;
    update(size: number, callback?: () => void): void;
  }

  export interface SpdyStream extends Duplex {
    _spdyState: { window: { send: SpdyWindowSide } };
    id: number;
    headers: Record<string, string>;
    respond(status: number, headers: Record<string, string>, callback?: (err?: Error) => void): void;
    abort(code?: string, callback?: () => void): void;
  }

  export interface SpdyParser {
    parseKVs(buffer: unknown, callback: (err: Error | null, headers?: Record<string, string>) => void): void;
  }

  export interface SpdyConnection {
    _spdyState: { parser: SpdyParser; window: { send: SpdyWindowSide } };
    start(version: number): void;
    end(callback?: () => void): void;
    destroyStreams(err?: Error): void;
    on(event: 'stream', listener: (stream: SpdyStream) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'close', listener: () => void): this;
  }

  interface Transport {
    connection: {
      create(
        socket: Duplex,
        options: { protocol: 'spdy'; isServer: boolean; windowSize?: number },
      ): SpdyConnection;
    };
  }

  const transport: Transport;
  export default transport;
}
