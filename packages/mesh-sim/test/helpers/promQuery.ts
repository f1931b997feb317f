/** One sample of an instant-vector answer of the Prometheus HTTP API. */
export interface VectorResult {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query against a real Prometheus (`time` in Unix seconds; default: now). */
export async function promQuery(url: string, promql: string, time?: number): Promise<VectorResult[]> {
  const params = new URLSearchParams({
    query: promql,
    ...(time !== undefined ? { time: String(time) } : {}),
  });
  const response = await fetch(`${url}/api/v1/query?${params}`);
  const body = (await response.json()) as { status: string; data?: { result?: VectorResult[] } };
  if (body.status !== 'success') throw new Error(`query failed: ${JSON.stringify(body)}`);
  return body.data?.result ?? [];
}
