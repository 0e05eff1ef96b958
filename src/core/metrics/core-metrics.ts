// The core's Prometheus metrics, one registry per core (tests build many).
// The API and the callback sender feed some; dispatch and the carrier links
// feed the rest through the same object. Each of the core's threads keeps
// its own CoreMetrics; the main thread's /metrics adds in the others' at
// scrape time (addSource), summed per series as prom-client's cluster
// aggregation does.
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export type LinkStateName = 'connecting' | 'bound' | 'reconnecting' | 'closed';
const LINK_STATES: readonly LinkStateName[] = ['connecting', 'bound', 'reconnecting', 'closed'];

export interface LaneDepthSample {
  readonly carrier: string;
  readonly category: string;
  readonly depth: number;
}

/**
 * Counts kept in a plain map and handed to a prom-client Counter when it is
 * collected (a scrape): prom-client hashes and validates the label object on
 * every inc(), which at thousands of messages per second showed in profiles.
 * The counter reads the same at every scrape.
 */
class CounterTally<L extends string> {
  private readonly pending = new Map<string, { labels: Record<L, string>; n: number }>();

  constructor(private readonly names: readonly L[]) {}

  /** One more for these label values, in the order of the label names (two or three labels). */
  add(a: string, b: string, c?: string): void {
    const key = c === undefined ? `${a}\u0000${b}` : `${a}\u0000${b}\u0000${c}`;
    const hit = this.pending.get(key);
    if (hit) {
      hit.n++;
      return;
    }
    const values = c === undefined ? [a, b] : [a, b, c];
    const labels = {} as Record<L, string>;
    this.names.forEach((name, i) => (labels[name] = values[i] as string));
    this.pending.set(key, { labels, n: 1 });
  }

  drainInto(counter: Counter<L>): void {
    for (const entry of this.pending.values()) {
      if (entry.n === 0) continue;
      counter.inc(entry.labels, entry.n);
      entry.n = 0;
    }
  }
}

export class CoreMetrics {
  readonly registry: Registry;
  /** Messages by carrier, category and the state they reached (accepted, submitted, delivered, ...). */
  readonly messages: Counter<'carrier' | 'category' | 'state'>;
  /** Waiting messages per lane (carrier x category). */
  readonly queueDepth: Gauge<'carrier' | 'category'>;
  /** 1 for the state each link is in, 0 for the others. */
  readonly linkState: Gauge<'carrier' | 'link' | 'state'>;
  /** Submits per second each carrier link sends at: its cap, or less while the carrier throttles. */
  readonly linkSendRate: Gauge<'carrier'>;
  private sendRates: () => ReadonlyArray<readonly [string, number]> = () => [];
  private readonly sources: Array<() => Promise<MetricObjectWithValues<MetricValue<string>>[]>> = [];
  /** submit_sm -> submit_sm_resp. */
  readonly submitLatency: Histogram<'carrier'>;
  /** Accepted -> final state. */
  readonly deliveryLatency: Histogram<'carrier' | 'category' | 'state'>;
  /** submit_sm_resp command_status counts. */
  readonly submitResponses: Counter<'carrier' | 'status'>;
  /** Receipts by carrier and outcome. */
  readonly receipts: Counter<'carrier' | 'outcome'>;
  /** HTTP answers by route, method and status. */
  readonly httpRequests: Histogram<'route' | 'method' | 'status'>;
  /** Status callback attempts by outcome (delivered, retry, abandoned). */
  readonly callbacks: Counter<'outcome'>;
  /** Callbacks still owed in the outbox (read from the store when scraped). */
  readonly callbackOutbox: Gauge;
  /** Numbers routed, by where the carrier came from (lookup, cache, prefix). */
  readonly routes: Counter<'source'>;
  /** Numbers routed by prefix although a lookup service is configured, by why. */
  readonly routeFallbacks: Counter<'reason'>;
  /** Requests to the number-lookup service, by result, and how long each took. */
  readonly numberLookups: Histogram<'result'>;
  /** Messages a carrier refused as not its subscriber's (ESME_RINVDSTADR) sent again to the carrier the lookup now names. */
  readonly reroutes: Counter<'from' | 'to'>;
  private outboxDepth: (() => Promise<number>) | undefined;
  /** A callback's state committed (its outbox row written) -> its receiver's 2xx. */
  readonly callbackLatency: Histogram<'category'>;
  /** Mobile-originated messages recorded: kind message, opt_out (matched a keyword) or unattributed (no tenant). */
  readonly inboundMessages: Counter<'carrier' | 'kind'>;
  /** Claimed messages put back in their lane because their send window was closed. */
  readonly sendWindowHeld: Counter<'carrier' | 'category'>;
  /** The automatic fallback switch per carrier: 0 direct, 1 fallback (an operator override is not shown here). */
  readonly routeMode: Gauge<'carrier'>;
  /** Flips of the automatic switch, by carrier and the mode it went to. */
  readonly routeSwitches: Counter<'carrier' | 'to'>;
  /** submit_sm sent, by carrier (the handset's) and route (direct, aggregator). */
  readonly routeSubmits: Counter<'carrier' | 'route'>;
  private readonly routeSubmitTally = new CounterTally<'carrier' | 'route'>(['carrier', 'route']);

  private readonly httpChildren = new Map<string, { observe(value: number): void }>();
  private readonly messageTally = new CounterTally<'carrier' | 'category' | 'state'>(['carrier', 'category', 'state']);
  private readonly submitResponseTally = new CounterTally<'carrier' | 'status'>(['carrier', 'status']);
  private readonly receiptTally = new CounterTally<'carrier' | 'outcome'>(['carrier', 'outcome']);

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registry = new Registry();
    this.registry = registry;
    const registers = [registry];
    const messageTally = this.messageTally;
    this.messages = new Counter({
      name: 'denpa_messages_total',
      help: 'Messages by carrier, category and the state they reached',
      labelNames: ['carrier', 'category', 'state'],
      registers,
      collect() {
        messageTally.drainInto(this);
      },
    });
    this.queueDepth = new Gauge({
      name: 'denpa_queue_depth',
      help: 'Messages waiting per lane',
      labelNames: ['carrier', 'category'],
      registers,
    });
    this.linkState = new Gauge({
      name: 'denpa_link_state',
      help: '1 when the SMPP link is in this state',
      labelNames: ['carrier', 'link', 'state'],
      registers,
    });
    const rates = (): ReadonlyArray<readonly [string, number]> => this.sendRates();
    this.linkSendRate = new Gauge({
      name: 'denpa_link_send_rate',
      help: 'Submits per second the carrier link sends at (the configured cap, lower while the carrier throttles)',
      labelNames: ['carrier'],
      registers,
      collect() {
        for (const [carrier, tps] of rates()) this.set({ carrier }, tps);
      },
    });
    this.submitLatency = new Histogram({
      name: 'denpa_submit_latency_seconds',
      help: 'submit_sm to submit_sm_resp',
      labelNames: ['carrier'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.deliveryLatency = new Histogram({
      name: 'denpa_delivery_latency_seconds',
      help: 'Accepted to final state',
      labelNames: ['carrier', 'category', 'state'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const submitResponseTally = this.submitResponseTally;
    this.submitResponses = new Counter({
      name: 'denpa_submit_responses_total',
      help: 'submit_sm_resp by command_status',
      labelNames: ['carrier', 'status'],
      registers,
      collect() {
        submitResponseTally.drainInto(this);
      },
    });
    const receiptTally = this.receiptTally;
    this.receipts = new Counter({
      name: 'denpa_receipts_total',
      help: 'Delivery receipts by outcome',
      labelNames: ['carrier', 'outcome'],
      registers,
      collect() {
        receiptTally.drainInto(this);
      },
    });
    this.httpRequests = new Histogram({
      name: 'denpa_http_request_duration_seconds',
      help: 'HTTP API answers',
      labelNames: ['route', 'method', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.callbacks = new Counter({
      name: 'denpa_callbacks_total',
      help: 'Status callback attempts by outcome',
      labelNames: ['outcome'],
      registers,
    });
    const outbox = (): (() => Promise<number>) | undefined => this.outboxDepth;
    this.callbackOutbox = new Gauge({
      name: 'denpa_callback_outbox',
      help: 'Callbacks still owed (pending rows of the outbox: due, waiting for a retry, or being sent)',
      registers,
      async collect() {
        const read = outbox();
        if (read) this.set(await read());
      },
    });
    this.callbackLatency = new Histogram({
      name: 'denpa_callback_latency_seconds',
      help: 'Status callbacks: state committed to 2xx received from the receiver',
      labelNames: ['category'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.routes = new Counter({ name: 'denpa_routes_total', help: 'Numbers routed, by source of the carrier (lookup, cache, prefix)', labelNames: ['source'], registers });
    this.routeFallbacks = new Counter({
      name: 'denpa_route_fallbacks_total',
      help: 'Numbers routed by the prefix table because the number lookup could not answer (error, timeout, down, refused, unknown_number)',
      labelNames: ['reason'],
      registers,
    });
    this.numberLookups = new Histogram({
      name: 'denpa_number_lookup_duration_seconds',
      help: 'Number-lookup requests by result (ok, error, timeout, refused)',
      labelNames: ['result'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.reroutes = new Counter({ name: 'denpa_reroutes_total', help: 'Messages re-routed after ESME_RINVDSTADR, by carrier left and carrier taken', labelNames: ['from', 'to'], registers });
    this.inboundMessages = new Counter({
      name: 'denpa_inbound_messages_total',
      help: 'Mobile-originated messages recorded, by kind (message, opt_out, unattributed)',
      labelNames: ['carrier', 'kind'],
      registers,
    });
    this.sendWindowHeld = new Counter({
      name: 'denpa_send_window_held_total',
      help: 'Claimed messages put back in their lane until their send window opens',
      labelNames: ['carrier', 'category'],
      registers,
    });
    this.routeMode = new Gauge({ name: 'denpa_route_mode', help: "The fallback switch per carrier: 0 direct, 1 fallback (its 'fallback' categories go through the aggregator)", labelNames: ['carrier'], registers });
    this.routeSwitches = new Counter({ name: 'denpa_route_switches_total', help: 'Flips of the fallback switch, by carrier and the mode it went to (direct, fallback)', labelNames: ['carrier', 'to'], registers });
    const routeSubmitTally = this.routeSubmitTally;
    this.routeSubmits = new Counter({
      name: 'denpa_route_submits_total',
      help: 'submit_sm sent, by carrier and route (direct: the carrier\'s own links; aggregator: the fallback route)',
      labelNames: ['carrier', 'route'],
      registers,
      collect() {
        routeSubmitTally.drainInto(this);
      },
    });
    if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'denpa_' });
  }

  /** One HTTP answer (the hot-path form of httpRequests.observe: one labelled child per route, method and status, not a label hash per answer). */
  observeHttp(route: string, method: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let child = this.httpChildren.get(key);
    if (!child) {
      child = this.httpRequests.labels({ route, method, status: String(status) });
      this.httpChildren.set(key, child);
    }
    child.observe(seconds);
  }

  /** One message reached `state` (the hot-path form of messages.inc). */
  countMessage(carrier: string, category: string, state: string): void {
    this.messageTally.add(carrier, category, state);
  }

  /** One submit_sm_resp with this command status. */
  countSubmitResponse(carrier: string, status: string): void {
    this.submitResponseTally.add(carrier, status);
  }

  /** One delivery receipt with this outcome. */
  countReceipt(carrier: string, outcome: string): void {
    this.receiptTally.add(carrier, outcome);
  }

  // RouteMetrics (routing/): counted per request, not per message, so prom-client's label hash is affordable.
  countRoutes(source: string, n: number): void {
    this.routes.inc({ source }, n);
  }

  countFallbacks(reason: string, n: number): void {
    this.routeFallbacks.inc({ reason }, n);
  }

  observeLookup(result: string, seconds: number): void {
    this.numberLookups.observe({ result }, seconds);
  }

  /** Where denpa_callback_outbox reads the outbox depth when scraped (a count over the store's pending rows). */
  readCallbackOutbox(read: () => Promise<number>): void {
    this.outboxDepth = read;
  }

  /** Where denpa_link_send_rate reads the links' current rates when scraped. */
  readSendRates(read: () => ReadonlyArray<readonly [string, number]>): void {
    this.sendRates = read;
  }

  /** Set the state of one link (exactly one state reads 1). */
  countRouteSubmit(carrier: string, route: string): void {
    this.routeSubmitTally.add(carrier, route);
  }

  setLinkState(carrier: string, link: string | number, state: LinkStateName): void {
    for (const s of LINK_STATES) this.linkState.set({ carrier, link: String(link), state: s }, s === state ? 1 : 0);
  }

  /** Replace the lane depths (lanes missing from `samples` read 0). */
  setLaneDepths(samples: readonly LaneDepthSample[]): void {
    this.queueDepth.reset();
    for (const s of samples) this.queueDepth.set({ carrier: s.carrier, category: s.category }, s.depth);
  }

  /** Another thread's metrics (its registry's getMetricsAsJSON), added to this one's at every scrape. */
  addSource(read: () => Promise<MetricObjectWithValues<MetricValue<string>>[]>): void {
    this.sources.push(read);
  }

  /** The text exposition for /metrics: this registry, plus the sources' series summed in. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    if (this.sources.length === 0) return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    const all = await Promise.all([this.registry.getMetricsAsJSON(), ...this.sources.map((read) => read())]);
    return { contentType: this.registry.contentType, body: await AggregatorRegistry.aggregate(all).metrics() };
  }
}
