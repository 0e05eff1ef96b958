// What a scenario learns about its run, all through __ENV so the same script
// runs under the built-in engine and the real k6, against our core or a
// staging gateway. The orchestrator sets every one of these.
//
//   CORE_URL        the gateway's HTTP API                (http://127.0.0.1:8080)
//   API_KEY         its bearer key                        (denpa-dev-key)
//   SIM_URL         the simulator's control API           (http://127.0.0.1:8775)
//   SINK_URL        the harness's callback sink           (http://127.0.0.1:8790)
//   RUN_ID          four characters [0-9A-Z]
//   FIXTURE         path of the traffic fixture JSON
//   DURATION_SCALE  multiplies every duration and start time (default 1)
//   RATE_SCALE      multiplies every arrival rate (default 1; `denpa capacity` steps it)
//   GATEWAY         the adapter: denpa (default), kannel, jasmin, http (see gateway/)
//   GATEWAY_CONFIG  the http adapter's config, as JSON text

function env(name: string, fallback: string): string {
  const v = __ENV[name];
  return v === undefined || v === '' ? fallback : v;
}

function positive(name: string, fallback: number): number {
  const v = Number(env(name, String(fallback)));
  if (!Number.isFinite(v) || v <= 0) throw new Error(`__ENV.${name} must be a positive number, got ${JSON.stringify(__ENV[name])}`);
  return v;
}

export const settings = {
  coreUrl: env('CORE_URL', 'http://127.0.0.1:8080').replace(/\/$/, ''),
  apiKey: env('API_KEY', 'denpa-dev-key'),
  simUrl: env('SIM_URL', 'http://127.0.0.1:8775').replace(/\/$/, ''),
  sinkUrl: env('SINK_URL', 'http://127.0.0.1:8790').replace(/\/$/, ''),
  runId: env('RUN_ID', '0000'),
  fixture: env('FIXTURE', 'fixture.json'),
  durationScale: positive('DURATION_SCALE', 1),
  rateScale: positive('RATE_SCALE', 1),
  gateway: env('GATEWAY', 'denpa'),
  gatewayConfig: env('GATEWAY_CONFIG', ''),
};

/** A k6 duration string for `seconds` of nominal time, scaled by DURATION_SCALE. */
export function seconds(nominal: number): string {
  return `${Math.max(1, Math.round(nominal * settings.durationScale * 1000))}ms`;
}

/** Milliseconds of nominal time, scaled (for fault durations). */
export function millis(nominalSeconds: number): number {
  return Math.max(1, Math.round(nominalSeconds * settings.durationScale * 1000));
}

/** An arrival rate scaled by RATE_SCALE (at least 1). */
export function rate(nominal: number): number {
  return Math.max(1, Math.round(nominal * settings.rateScale));
}

/** VUs for an arrival rate: enough for `latencyMs` per request with headroom. */
export function vusFor(ratePerSecond: number, latencyMs = 400): number {
  return Math.max(2, Math.ceil((ratePerSecond * latencyMs) / 1000) * 2);
}

/**
 * A constant-arrival-rate scenario sending one category: `ratePerSecond`
 * (already scaled, see `rate`) for `nominalSeconds` (scaled here), running the
 * exec function of the same name, its requests tagged with the category.
 */
export function steadyArrivals(category: string, ratePerSecond: number, nominalSeconds: number) {
  return {
    executor: 'constant-arrival-rate' as const,
    rate: ratePerSecond,
    timeUnit: '1s',
    duration: seconds(nominalSeconds),
    preAllocatedVUs: vusFor(ratePerSecond),
    maxVUs: vusFor(ratePerSecond) * 4,
    exec: category,
    tags: { category },
  };
}
