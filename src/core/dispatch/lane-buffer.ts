// The few segments a carrier queue has claimed but not yet sent, kept in
// lane order: an OTP claimed after a batch of promotions still goes first.
// Each lane is a FIFO with a moving head (no O(n) shifts).
import { CATEGORIES, type Category } from '../store/index.ts';

export class LaneBuffer<T> {
  private readonly lanes: { items: T[]; head: number }[] = CATEGORIES.map(() => ({ items: [], head: 0 }));
  private count = 0;

  get size(): number {
    return this.count;
  }

  sizeOf(category: Category): number {
    const l = this.lanes[CATEGORIES.indexOf(category)];
    return l ? l.items.length - l.head : 0;
  }

  push(category: Category, item: T): void {
    const l = this.lanes[CATEGORIES.indexOf(category)];
    if (!l) throw new RangeError(`unknown category ${category}`);
    l.items.push(item);
    this.count++;
  }

  /** The next item in priority order, without removing it. */
  peek(): T | undefined {
    for (const l of this.lanes) if (l.head < l.items.length) return l.items[l.head];
    return undefined;
  }

  shift(): T | undefined {
    for (const l of this.lanes) {
      if (l.head < l.items.length) {
        const item = l.items[l.head] as T;
        l.head++;
        this.count--;
        if (l.head > 1024 && l.head * 2 > l.items.length) {
          l.items = l.items.slice(l.head);
          l.head = 0;
        }
        return item;
      }
    }
    return undefined;
  }

  /** Remove and return everything (drain). */
  takeAll(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }
}
