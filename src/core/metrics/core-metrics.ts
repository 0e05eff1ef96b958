// The core's Prometheus metrics, one registry per core (tests build many).
// The API and the callback sender feed some; dispatch and the carrier links
// feed the rest through the same object.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export type LinkStateName = 'connecting' | 'bound' | 'reconnecting' | 'closed';
const LINK_STATES: readonly LinkStateName[] = ['connecting', 'bound', 'reconnecting', 'closed'];

export interface LaneDepthSample {
  readonly carrier: string;
  readonly category: string;
  readonly depth: number;
}

export class CoreMetrics {
  readonly registry: Registry;
  /** Messages by carrier, category and the state they reached (accepted, submitted, delivered, ...). */
  readonly messages: Counter<'carrier' | 'category' | 'state'>;
  /** Waiting messages per lane (carrier x category). */
  readonly queueDepth: Gauge<'carrier' | 'category'>;
  /** 1 for the state each link is in, 0 for the others. */
  readonly linkState: Gauge<'carrier' | 'link' | 'state'>;
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
  /** Callbacks still owed in the outbox. */
  readonly callbackOutbox: Gauge;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registry = new Registry();
    this.registry = registry;
    const registers = [registry];
    this.messages = new Counter({
      name: 'denpa_messages_total',
      help: 'Messages by carrier, category and the state they reached',
      labelNames: ['carrier', 'category', 'state'],
      registers,
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
    this.submitResponses = new Counter({
      name: 'denpa_submit_responses_total',
      help: 'submit_sm_resp by command_status',
      labelNames: ['carrier', 'status'],
      registers,
    });
    this.receipts = new Counter({
      name: 'denpa_receipts_total',
      help: 'Delivery receipts by outcome',
      labelNames: ['carrier', 'outcome'],
      registers,
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
    this.callbackOutbox = new Gauge({
      name: 'denpa_callback_outbox_pending',
      help: 'Status callbacks still owed',
      registers,
    });
    if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'denpa_' });
  }

  /** Set the state of one link (exactly one state reads 1). */
  setLinkState(carrier: string, link: string | number, state: LinkStateName): void {
    for (const s of LINK_STATES) this.linkState.set({ carrier, link: String(link), state: s }, s === state ? 1 : 0);
  }

  /** Replace the lane depths (lanes missing from `samples` read 0). */
  setLaneDepths(samples: readonly LaneDepthSample[]): void {
    this.queueDepth.reset();
    for (const s of samples) this.queueDepth.set({ carrier: s.carrier, category: s.category }, s.depth);
  }

  /** The text exposition for /metrics. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
