/**
 * The demo services' routes: CRM, inventory, payment, shipping, notification, analytics. Every
 * operation goes through {@link operation}: counted, delayed and failed as its service's knobs
 * say, then answered once per `Idempotency-Key`. Business failures are 4xx (409 insufficient
 * stock, 422 a bad amount or address), never retried by a well-set policy; knob failures are 503.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Request, type Response } from 'express';
import type { Answer } from './idempotency';
import { knobFailure } from './knobs';
import { pageOf } from './records';
import { MAX_BATCHES, type DemoState, type ServiceName } from './state';

type Handler = (req: Request) => Answer | Promise<Answer>;

const ok = (body: unknown, status = 200): Answer => ({ status, body });
const fail = (status: number, error: string): Answer => ({ status, body: { error } });
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' && v.length <= 200 ? v : undefined);
const orderIdOf = (req: Request): string | undefined => str((req.body as Record<string, unknown> | undefined)?.orderId) ?? str(req.params.orderId);

export function serviceRoutes(state: DemoState): express.Router {
  const router = express.Router();

  const operation = (service: ServiceName, op: string, handler: Handler) => async (req: Request, res: Response) => {
    state.counted(`${service}.${op}`);
    const knobs = state.knobs.get(service)!;
    if (knobs.latencyMs > 0) await sleep(knobs.latencyMs);
    const failure = knobFailure(knobs, op);
    if (failure) {
      res.status(failure.status).json({ error: failure.error });
      return;
    }
    const key = str(req.get('idempotency-key'));
    const answer = await state.answers.answer(key && `${service}.${op}:${key}`, async () => handler(req));
    if (answer.replayed) res.set('Idempotent-Replayed', 'true');
    res.status(answer.status).json(answer.body);
  };

  router.get(
    '/crm/customers',
    async (req, res, next) => {
      const waitMs = state.overLimit();
      if (waitMs === undefined) return next();
      res.set('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
      res.status(429).json({ error: `rate limit: ${state.rateLimit.requests} requests per ${state.rateLimit.windowMs} ms` });
    },
    operation('crm', 'list', (req) => ok(pageOf(state.customers, req.query))),
  );
  router.patch(
    '/crm/customers/:id',
    operation('crm', 'update', (req) => {
      const customer = state.customers.find((c) => c.id === req.params.id);
      if (!customer) return fail(404, `no customer ${String(req.params.id)}`);
      const { name, email, tier } = (req.body ?? {}) as Record<string, unknown>;
      Object.assign(customer, str(name) && { name }, str(email) && { email }, (tier === 'gold' || tier === 'standard') && { tier });
      customer.updatedAt = state.now();
      // Move it to the end so that the list stays in `updatedAt` order.
      state.customers = [...state.customers.filter((c) => c !== customer), customer];
      state.applied('crm.update');
      return ok(customer);
    }),
  );

  router.get('/inventory/products', operation('inventory', 'list', (req) => ok(pageOf(state.products, req.query))));
  router.post(
    '/inventory/reservations',
    operation('inventory', 'reserve', (req) => {
      const orderId = orderIdOf(req);
      const items = (req.body as { items?: unknown }).items;
      if (!orderId || !Array.isArray(items) || items.length === 0) return fail(422, 'a reservation needs an orderId and items [{sku, quantity}]');
      const wanted: Array<{ sku: string; quantity: number }> = [];
      for (const item of items as Array<Record<string, unknown>>) {
        const product = state.products.find((p) => p.sku === item?.sku);
        const quantity = Number(item?.quantity ?? 1);
        if (!product) return fail(422, `unknown sku ${String(item?.sku)}`);
        if (!Number.isInteger(quantity) || quantity < 1) return fail(422, 'quantity must be a positive integer');
        if (product.stock < quantity) return fail(409, `insufficient stock for ${product.sku}: ${product.stock} left`);
        wanted.push({ sku: product.sku, quantity });
      }
      const existing = state.reservations.get(orderId);
      if (existing && !existing.released) return ok({ reservationId: orderId, orderId, items: existing.items }, 200);
      for (const { sku, quantity } of wanted) {
        const product = state.products.find((p) => p.sku === sku)!;
        product.stock -= quantity;
        product.updatedAt = state.now();
      }
      state.reservations.set(orderId, { orderId, items: wanted, released: false });
      state.applied('inventory.reserve', orderId);
      return ok({ reservationId: orderId, orderId, items: wanted }, 201);
    }),
  );
  router.post(
    '/inventory/reservations/:orderId/release',
    operation('inventory', 'release', (req) => {
      const reservation = state.reservations.get(String(req.params.orderId));
      if (!reservation) return fail(404, `no reservation for order ${String(req.params.orderId)}`);
      if (!reservation.released) {
        for (const { sku, quantity } of reservation.items) {
          const product = state.products.find((p) => p.sku === sku);
          if (product) {
            product.stock += quantity;
            product.updatedAt = state.now();
          }
        }
        reservation.released = true;
        state.applied('inventory.release', reservation.orderId);
      }
      return ok({ orderId: reservation.orderId, released: true });
    }),
  );

  router.post(
    '/payment/charges',
    operation('payment', 'charge', (req) => {
      const orderId = orderIdOf(req);
      const amount = Number((req.body as { amount?: unknown }).amount);
      if (!orderId) return fail(422, 'a charge needs an orderId');
      if (!(amount > 0 && amount <= 1_000_000)) return fail(422, 'amount must be a positive number');
      const charge = { chargeId: `ch_${randomUUID().slice(0, 12)}`, orderId, amount, refunded: false };
      state.charges.set(charge.chargeId, charge);
      state.applied('payment.charge', orderId);
      return ok(charge, 201);
    }),
  );
  router.post(
    '/payment/charges/:chargeId/refund',
    operation('payment', 'refund', (req) => {
      const charge = state.charges.get(String(req.params.chargeId));
      if (!charge) return fail(404, `no charge ${String(req.params.chargeId)}`);
      if (!charge.refunded) {
        charge.refunded = true;
        state.applied('payment.refund', charge.orderId);
      }
      return ok({ ...charge });
    }),
  );

  router.post(
    '/shipping/labels',
    operation('shipping', 'label', (req) => {
      const orderId = orderIdOf(req);
      const address = (req.body as { address?: unknown }).address;
      if (!orderId || typeof address !== 'object' || address === null) return fail(422, 'a label needs an orderId and an address');
      const label = { labelId: `lb_${randomUUID().slice(0, 12)}`, orderId, trackingNumber: `TRK${Date.now().toString(36).toUpperCase()}` };
      state.labels.set(label.labelId, label);
      state.applied('shipping.label', orderId);
      return ok(label, 201);
    }),
  );

  router.post(
    '/notification/messages',
    operation('notification', 'send', (req) => {
      if (state.notifications.length >= MAX_BATCHES) state.notifications.shift();
      state.notifications.push(req.body);
      state.applied('notification.send', orderIdOf(req) ?? '');
      return ok({ delivered: true }, 202);
    }),
  );

  router.post(
    '/analytics/batches',
    operation('analytics', 'batch', (req) => {
      if (state.batches.length >= MAX_BATCHES) state.batches.shift();
      state.batches.push({ receivedAt: new Date().toISOString(), body: req.body });
      state.applied('analytics.batch', str((req.body as { eventId?: unknown }).eventId) ?? '');
      return ok({ received: true }, 202);
    }),
  );
  router.get('/analytics/batches', (_req, res) => {
    res.json(state.batches.slice(-100));
  });
  return router;
}
