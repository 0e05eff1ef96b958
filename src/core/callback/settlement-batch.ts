// The bookkeeping after each POST, gathered: what became of each callback
// (delivered, retry, deferred, abandoned) waits here while one store write
// is running and goes out with the others in the next one, so a thousand
// answers a second cost a few transactions, not a thousand, and a POST's
// slot is free the moment its answer arrives. A callback is marked
// delivered only after its 2xx; if the process dies before the write
// commits, the row is still pending and is sent again (at least once).
import type { CallbackSettlement, Store } from '../store/index.ts';

interface Waiting {
  readonly settlement: CallbackSettlement;
  readonly done: () => void;
}

export class SettlementBatch {
  private waiting: Waiting[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly store: Pick<Store, 'settleCallbacks'>,
    private readonly log?: { warn(obj: object, msg: string): void },
  ) {}

  /** Resolves when the settlement is committed, or when the write failed (the row then stays pending and is claimed again). */
  add(settlement: CallbackSettlement): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push({ settlement, done: resolve });
      this.write();
    });
  }

  /** Resolves when everything added so far is written (or failed). */
  async idle(): Promise<void> {
    // Bounded: each pass writes what was waiting when it began; nothing is added while closing.
    for (let i = 0; i < 1000 && (this.writing || this.waiting.length > 0); i++) {
      this.write();
      await this.writing;
    }
  }

  private write(): void {
    if (this.writing || this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    this.writing = this.store
      .settleCallbacks(batch.map((w) => w.settlement))
      .catch((err: unknown) => this.log?.warn({ err, settlements: batch.length }, 'callback bookkeeping failed; the rows stay pending and are sent again'))
      .then(() => {
        for (const w of batch) w.done();
        this.writing = undefined;
        this.write();
      });
  }
}
