/**
 * Everything the demo services hold, in memory: records, reservations, charges, labels, what
 * analytics received, the knobs, the CRM's rate limit, and a count of every applied effect so a
 * test can prove "exactly once".
 */
import { IdempotentAnswers } from './idempotency';
import { DEFAULT_KNOBS, type Knobs } from './knobs';
import { seedCustomers, seedProducts, updateClock, type Customer, type Product } from './records';

export const SERVICES = ['crm', 'inventory', 'payment', 'shipping', 'notification', 'analytics'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface DemoSeed {
  /** Default 1000. */
  customers?: number;
  /** Default 500. */
  products?: number;
  /** The CRM's limit: requests per window; default 10 per 1000 ms. */
  rateLimit?: RateLimit;
}

export interface RateLimit {
  requests: number;
  windowMs: number;
}

export interface Reservation {
  orderId: string;
  items: Array<{ sku: string; quantity: number }>;
  released: boolean;
}

export interface Charge {
  chargeId: string;
  orderId: string;
  amount: number;
  refunded: boolean;
}

/** Batches analytics keeps at most (the oldest are dropped). */
export const MAX_BATCHES = 1_000;

export class DemoState {
  customers: Customer[] = [];
  products: Product[] = [];
  readonly reservations = new Map<string, Reservation>();
  readonly charges = new Map<string, Charge>();
  readonly labels = new Map<string, { labelId: string; orderId: string; trackingNumber: string }>();
  readonly notifications: unknown[] = [];
  readonly batches: Array<{ receivedAt: string; body: unknown }> = [];
  readonly knobs = new Map<ServiceName, Knobs>();
  readonly answers = new IdempotentAnswers();
  /** Applied effects per operation (`payment.charge`…), and per order id where there is one. */
  readonly effects = new Map<string, Map<string, number>>();
  readonly requests = new Map<string, number>();
  rateLimit: RateLimit = { requests: 10, windowMs: 1000 };
  rateLimited = 0;
  window = { startedAt: 0, count: 0 };
  readonly now = updateClock();

  constructor(seed: DemoSeed = {}) {
    this.reset(seed);
  }

  reset(seed: DemoSeed = {}): void {
    this.customers = seedCustomers(seed.customers ?? 1000);
    this.products = seedProducts(seed.products ?? 500);
    this.reservations.clear();
    this.charges.clear();
    this.labels.clear();
    this.notifications.length = 0;
    this.batches.length = 0;
    for (const s of SERVICES) this.knobs.set(s, { ...DEFAULT_KNOBS });
    this.answers.clear();
    this.effects.clear();
    this.requests.clear();
    this.rateLimit = seed.rateLimit ?? { requests: 10, windowMs: 1000 };
    this.rateLimited = 0;
    this.window = { startedAt: 0, count: 0 };
  }

  applied(operation: string, orderId = ''): void {
    let byOrder = this.effects.get(operation);
    if (!byOrder) this.effects.set(operation, (byOrder = new Map()));
    byOrder.set(orderId, (byOrder.get(orderId) ?? 0) + 1);
  }

  counted(operation: string): void {
    this.requests.set(operation, (this.requests.get(operation) ?? 0) + 1);
  }

  /** A fixed window: ms to wait when this request is over the limit, else undefined. */
  overLimit(now = Date.now()): number | undefined {
    if (now - this.window.startedAt >= this.rateLimit.windowMs) this.window = { startedAt: now, count: 0 };
    this.window.count++;
    if (this.window.count <= this.rateLimit.requests) return undefined;
    this.rateLimited++;
    return this.window.startedAt + this.rateLimit.windowMs - now;
  }

  /** What `GET /stats` shows. */
  stats() {
    const effects: Record<string, { total: number; byOrder: Record<string, number> }> = {};
    for (const [op, byOrder] of this.effects) {
      let total = 0;
      for (const n of byOrder.values()) total += n;
      effects[op] = { total, byOrder: Object.fromEntries([...byOrder].filter(([id]) => id !== '')) };
    }
    return {
      effects,
      requests: Object.fromEntries(this.requests),
      rateLimit: this.rateLimit,
      rateLimited: this.rateLimited,
      batches: this.batches.length,
      knobs: Object.fromEntries(this.knobs),
    };
  }
}
