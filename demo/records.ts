/**
 * The demo's records: CRM customers and inventory products, paginated and filtered by
 * `updatedSince` the way the reference CRM and inventory APIs are (see ../shared/reference).
 */
export interface Customer {
  id: string;
  name: string;
  email: string;
  tier: 'standard' | 'gold';
  updatedAt: string;
}

export interface Product {
  sku: string;
  name: string;
  price: number;
  stock: number;
  updatedAt: string;
}

/** A fixed start so a full sync reads the same records on every machine. */
const SEEDED_AT = Date.parse('2026-01-01T00:00:00.000Z');

export function seedCustomers(count: number): Customer[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `C${String(i + 1).padStart(5, '0')}`,
    name: `Customer ${i + 1}`,
    email: `customer${i + 1}@example.test`,
    tier: i % 10 === 0 ? 'gold' : 'standard',
    updatedAt: new Date(SEEDED_AT + i).toISOString(),
  }));
}

export function seedProducts(count: number): Product[] {
  return Array.from({ length: count }, (_, i) => ({
    sku: `SKU-${String(i + 1).padStart(4, '0')}`,
    name: `Product ${i + 1}`,
    price: 5 + (i % 50),
    stock: 100,
    updatedAt: new Date(SEEDED_AT + i).toISOString(),
  }));
}

/** A clock for `updatedAt` that never repeats or goes back, so `updatedSince` misses nothing. */
export function updateClock(): () => string {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last).toISOString();
  };
}

export interface PageQuery {
  page?: unknown;
  limit?: unknown;
  updatedSince?: unknown;
}

/** One page of `records` changed after `updatedSince` (strings in ISO order), `limit` ≤ 500. */
export function pageOf<T extends { updatedAt: string }>(records: readonly T[], query: PageQuery): { data: T[]; page: number; limit: number; total: number } {
  const page = Math.max(1, Number.parseInt(String(query.page ?? '1'), 10) || 1);
  const limit = Math.min(500, Math.max(1, Number.parseInt(String(query.limit ?? '100'), 10) || 100));
  const since = typeof query.updatedSince === 'string' ? query.updatedSince : undefined;
  const matching = since ? records.filter((r) => r.updatedAt > since) : records;
  return { data: matching.slice((page - 1) * limit, page * limit), page, limit, total: matching.length };
}
