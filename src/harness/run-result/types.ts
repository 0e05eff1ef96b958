// The shape of one finished run, as saved in `reports/<run-id>/summary.json`.
// Everything a report needs is in here, so `denpa report <run-dir>` can
// re-render every output from this one file. Producers:
//   summary   – the engine (built-in or k6), k6's handleSummary data shape
//   delivery  – computeDeliveryMetrics (src/harness/delivery) after the run
//   verdict   – judgeRun (src/harness/judge) over summary + delivery metrics
//   the rest  – the orchestration (`denpa run`)
// The bottom of the harness: judge/, delivery/ and report/ read and write
// this shape; it imports only the threshold grammar (for MetricType).

import type { MetricType } from '../thresholds/index.ts';

import type { Carrier, Category as MessageCategory } from '../../domain/index.ts';
export type { Carrier, MessageCategory };

// ---------------------------------------------------------------- k6 summary

export type MetricContains = 'default' | 'time' | 'data';

/**
 * One metric as k6's handleSummary sees it. `values` by type:
 * counter {count, rate}; gauge {value, min, max}; rate {rate, passes, fails};
 * trend {avg, min, med, max, 'p(90)', 'p(95)', ...any percentile a threshold names}.
 */
export interface SummaryMetric {
  type: MetricType;
  contains: MetricContains;
  values: Record<string, number>;
  /** k6 semantics: ok = the threshold held (NOT --summary-export's inverted flag). */
  thresholds?: Record<string, { ok: boolean }>;
}

/** A threshold as written in `options.thresholds`: k6's short or long form. */
export type ThresholdSpec =
  | string
  | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

/**
 * One interval of the built-in engine's run (default 1 s wide), for the
 * over-time charts and the .hlog files. (The engine keeps
 * `{offsetMs, durationMs, metrics}`; orchestrate/report-intervals.ts adapts.)
 */
export interface IntervalSample {
  /** Interval start, ms since the run started. */
  t: number;
  /** Interval width in ms. */
  durationMs: number;
  /**
   * Counts within the interval, by metric key (sub-metrics as `name{tag:value}`):
   * counters' counts (`iterations`, `http_reqs`, `dropped_iterations`,
   * `messages_accepted`) and rates' non-zero samples (`http_req_failed` =
   * failed requests).
   */
  counts: Record<string, number>;
  /**
   * Trend histograms of the interval (HdrHistogram, compressed base64, in
   * thousandths: MICROseconds for time trends), by metric key, e.g.
   * `http_req_duration`, `http_req_duration_intended` (coordinated-omission
   * corrected, from each iteration's intended start).
   */
  histograms: Record<string, string>;
}

/** What the built-in engine adds to the summary beyond k6 (`data.denpa`). */
export interface BuiltinExtras {
  engine: 'builtin';
  intervals: IntervalSample[];
  /** Whole-run HdrHistograms of every trend (compressed base64; µs for time trends) by metric key. */
  histograms: Record<string, string>;
  [extra: string]: unknown;
}

/** k6's handleSummary data. */
export interface K6Summary {
  root_group: unknown;
  /**
   * k6's data.options carries no thresholds; when a producer adds them here
   * judgeRun uses them, else it reads each metric's `thresholds` keys.
   */
  options: Record<string, unknown> & { thresholds?: Record<string, ThresholdSpec[]> };
  state: { testRunDurationMs: number; isStdOutTTY?: boolean; isStdErrTTY?: boolean };
  metrics: Record<string, SummaryMetric>;
  /** Present for the built-in engine; absent when the real k6 ran. */
  denpa?: BuiltinExtras;
}

// ------------------------------------------------------------ delivery metrics

/** One row of the per-category or per-carrier delivery table. */
export interface DeliveryBreakdown {
  /** Probes the simulator saw (reached an SMSC). */
  seen: number;
  /** Probes that reached a handset at least once. */
  delivered: number;
  /** Delivered within the OTP deadline of sentAt (reported for every category). */
  onTime: number;
  duplicated: number;
  corrupted: number;
  /** sentAt -> handsetAt, ms. Absent when nothing was delivered. */
  latencyMs?: LatencyStats;
  /**
   * sentAt (the request, answered by an acceptance) -> the first final
   * callback's arrival at the sink, ms. Kept per category only (callbacks
   * are the sender's view; the carrier is the gateway's business). Absent
   * when no final callback came.
   */
  callbackLatencyMs?: LatencyStats;
}

export interface LatencyStats {
  count: number;
  min: number;
  med: number;
  'p(90)': number;
  'p(95)': number;
  'p(99)': number;
  max: number;
  avg: number;
}

export interface DeliveryResult {
  /**
   * The delivery metrics in k6's summary shape, judged with the same threshold
   * grammar: otp_on_time (rate), messages_lost, messages_duplicated,
   * messages_corrupted, callbacks_received, callbacks_duplicated (counters),
   * delivery_latency (trend, ms, with `{category:x}` and `{carrier:y}`
   * sub-metrics), callback_latency (trend, ms, with `{category:x}` sub-metrics).
   */
  metrics: Record<string, SummaryMetric>;
  /** The figures behind the metrics, for tables and for explaining a failure. */
  details: {
    otpDeadlineMs: number;
    accepted: {
      total: number;
      otpDeliverable: number;
      byCategory: Partial<Record<MessageCategory, number>>;
      otpDeliverableSource: 'deliverable-submetric' | 'all-otp' | 'none';
    };
    /** OTPs whose handset delivery came within the deadline (otp_on_time's passes before capping). */
    otpOnTime: number;
    seen: number;
    /** Seqs with a final failure status from the gateway and no simulator sighting. */
    reportedFailedUnseen: number;
    lost: number;
    callbacks: { received: number; finals: number; duplicates: number; outOfOrder: number; badSignatures: number; byStatus: Record<string, number> };
    byCategory: Partial<Record<MessageCategory, DeliveryBreakdown>>;
    byCarrier: Partial<Record<Carrier, DeliveryBreakdown>>;
    /** Whole-run delivery latency HdrHistogram (microseconds, compressed base64). */
    latencyHdr?: string;
  };
}

// ------------------------------------------------------------------ verdicts

/**
 * `figure` is the measured value of the aggregation; null only when the
 * engine judged the threshold but did not report that aggregation's value
 * (then the engine's ok flag decides).
 */
interface ThresholdIdentity {
  /** The metric key as written, e.g. `http_req_duration{category:otp}`. */
  metric: string;
  /** The expression as written, e.g. `p(99)<500`. */
  expression: string;
  abortOnFail: boolean;
}

/** One threshold's outcome: states as a tagged union. */
export type ThresholdVerdict =
  | (ThresholdIdentity & { state: 'passed'; aggregation: string; operator: string; figure: number | null; limit: number })
  | (ThresholdIdentity & { state: 'failed'; aggregation: string; operator: string; figure: number | null; limit: number })
  /** The metric or its aggregation is absent from the results: counts as failed. */
  | (ThresholdIdentity & { state: 'unmeasured'; reason: string });

export interface Verdict {
  /** pass = every threshold passed (an unmeasured one fails). */
  outcome: 'pass' | 'fail';
  thresholds: ThresholdVerdict[];
  /** Number of thresholds in state failed or unmeasured. */
  failed: number;
}

// -------------------------------------------------------------------- faults

export interface FaultWindow {
  carrier: Carrier;
  kind: 'refuse_binds' | 'drop_sessions' | 'black_hole' | 'slow_answers' | 'receipt_backlog' | 'outage' | (string & {});
  /** ms since the epoch (the simulator's fault record). */
  startsAt: number;
  endsAt: number;
  params?: Record<string, unknown>;
}

// ------------------------------------------------------------------ the run

export interface RunEnvironment {
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  hostname?: string;
  denpaVersion?: string;
  gitCommit?: string;
  /** true when --target/--sim pointed at existing services (staging). */
  external: boolean;
}

/** What a report says about the deployment a local run started (never a store URL). */
export interface RunDeployment {
  nodes: number;
  store: 'sqlite' | 'postgres';
  /** true when --store gave a server URL, false when the harness started the server. */
  externalStore: boolean;
}

export const RUN_RESULT_SCHEMA = 'denpa.run/1';

export interface RunResult {
  schema: typeof RUN_RESULT_SCHEMA;
  /** Four characters [0-9A-Z], the probe tokens' run id. */
  runId: string;
  /** Scenario name, e.g. `otp-steady` (the file's basename without extension). */
  scenario: string;
  engine: 'builtin' | 'k6';
  /** ms since the epoch. */
  startedAt: number;
  endedAt: number;
  durationScale: number;
  summary: K6Summary;
  /** Absent when the run could not reach the simulator's ledger. */
  delivery?: DeliveryResult;
  verdict: Verdict;
  faults: FaultWindow[];
  target: { coreUrl: string; simUrl: string; sinkUrl?: string };
  /** The core nodes and store the harness started (absent against --target, and in older results). */
  deployment?: RunDeployment;
  environment: RunEnvironment;
  /** 0 pass, 99 threshold failed (k6 semantics), other = run could not be made. */
  exitCode: number;
}
