// Live counters of one carrier, as GET /v1/counters serves them.
//   binds     successful binds since the last reset (a counter)
//   sessions  sessions bound right now (a gauge)
import { statusKey } from './injected-status.ts';

export interface CountersSnapshot {
  submits: number;
  responsesByStatus: Record<string, number>;
  unanswered: number;
  messages: number;
  handsetDeliveries: number;
  receiptsSent: number;
  receiptsRetried: number;
  receiptsAcked: number;
  receiptsFailed: number;
  receiptsQueued: number;
  moSent: number;
  moAcked: number;
  moFailed: number;
  binds: number;
  bindsRefused: number;
  sessions: number;
  connections: number;
}

export class CarrierCounters {
  submits = 0;
  responsesByStatus: Record<string, number> = {};
  /** Submits swallowed by a black-hole fault (never answered). */
  unanswered = 0;
  /** Logical messages (after reassembly) handed to the network. */
  messages = 0;
  handsetDeliveries = 0;
  receiptsSent = 0;
  receiptsRetried = 0;
  receiptsAcked = 0;
  /** Receipts given up after every attempt, or dropped because the outbox was full. */
  receiptsFailed = 0;
  /** Mobile-originated deliver_sm sent (first attempt), answered ESME_ROK, given up or refused. */
  moSent = 0;
  moAcked = 0;
  moFailed = 0;
  binds = 0;
  bindsRefused = 0;
  sessions = 0;
  connections = 0;

  response(status: number): void {
    const k = statusKey(status);
    this.responsesByStatus[k] = (this.responsesByStatus[k] ?? 0) + 1;
  }

  /** Zeroes the counters; gauges (sessions, connections) describe the present and are kept. */
  reset(): void {
    const { sessions, connections } = this;
    Object.assign(this, new CarrierCounters(), { sessions, connections, responsesByStatus: {} });
  }

  snapshot(receiptsQueued: number): CountersSnapshot {
    return {
      submits: this.submits,
      responsesByStatus: { ...this.responsesByStatus },
      unanswered: this.unanswered,
      messages: this.messages,
      handsetDeliveries: this.handsetDeliveries,
      receiptsSent: this.receiptsSent,
      receiptsRetried: this.receiptsRetried,
      receiptsAcked: this.receiptsAcked,
      receiptsFailed: this.receiptsFailed,
      receiptsQueued,
      moSent: this.moSent,
      moAcked: this.moAcked,
      moFailed: this.moFailed,
      binds: this.binds,
      bindsRefused: this.bindsRefused,
      sessions: this.sessions,
      connections: this.connections,
    };
  }
}
