import type { MeshSnapshot, WorkloadInfo } from './mesh';
import type { Random } from './random';
import type { HttpRequest } from './routing';

/** How a workload behaves when it serves a request: its own latency, errors and payload size. */
export interface WorkloadProfile {
  /** Median of the workload's own processing time (log-normal). */
  medianMs: number;
  /** Log-normal shape; 0.3–0.6 looks like real services. */
  sigma: number;
  /** Share of requests failing with `errorCode`, in percent. */
  errorPercent: number;
  errorCode: number;
  responseBytes: number;
  /** Status of a successful answer (302 for a login redirect, …). */
  okCode?: number;
}

/** An outgoing request made by application code. */
export interface Call extends HttpRequest {
  /** The application gives up after this long (bookinfo's productpage waits 3 s for reviews). */
  clientTimeoutMs?: number;
  /** The application retries a failed or timed-out call this many times. */
  clientRetries?: number;
}

export interface Handling {
  profile: WorkloadProfile;
  /** Made one after the other while serving; their time adds to the server's. */
  calls: Call[];
}

/**
 * Load entering the mesh. With `request`, a pod of `from` sends that request (a gateway or a
 * client such as curl). Without it, `from` originates work itself: its own calls are made
 * as if it had received a request (the scale scenario's entry workloads).
 */
export interface Flow {
  /** Workload key `namespace/name`. */
  from: string;
  rps: number;
  request?: (random: Random) => Call;
}

export interface Scenario {
  flows(snapshot: MeshSnapshot): Flow[];
  handle(workload: WorkloadInfo, request: HttpRequest, random: Random): Handling;
}

export const DEFAULT_PROFILE: WorkloadProfile = {
  medianMs: 5,
  sigma: 0.4,
  errorPercent: 0,
  errorCode: 500,
  responseBytes: 500,
};
