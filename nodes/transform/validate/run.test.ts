import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../errors';
import { deployNode, runNode } from '../../testing/harness';
import { MAX_REPORTED_ERRORS, runtime } from './run';

const schema = {
  type: 'object',
  required: ['orderId', 'qty'],
  properties: { orderId: { type: 'string', pattern: '^A[0-9]+$' }, qty: { type: 'integer', minimum: 1 } },
  additionalProperties: false,
};

describe('when the payload is valid', () => {
  it('does emit it unchanged on out', async () => {
    const { emissions } = await runNode(runtime, { config: { schema }, payload: { orderId: 'A1', qty: 2 } });
    expect(emissions).toEqual([{ port: 'out', payload: { orderId: 'A1', qty: 2 } }]);
  });
});

describe('when the payload is invalid and onInvalid is port', () => {
  it('does emit it on invalid with pointers to each problem', async () => {
    const payload = { orderId: 'B1', extra: true };
    const { emissions } = await runNode(runtime, { config: { schema, onInvalid: 'port' }, payload });
    expect(emissions).toHaveLength(1);
    expect(emissions[0]).toMatchObject({ port: 'invalid', payload });
    const problems = (emissions[0]!.attrs as { validationErrors: unknown[] }).validationErrors;
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/qty', message: 'is required' },
        { path: '/extra', message: 'is not allowed' },
        { path: '/orderId', message: 'must match pattern "^A[0-9]+$"' },
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it(`does report at most ${MAX_REPORTED_ERRORS} errors`, async () => {
    const payload = Array.from({ length: 50 }, () => 'not a number');
    const { emissions } = await runNode(runtime, { config: { schema: { type: 'array', items: { type: 'number' } }, onInvalid: 'port' }, payload });
    expect((emissions[0]!.attrs as { validationErrors: unknown[] }).validationErrors).toHaveLength(MAX_REPORTED_ERRORS);
  });
});

describe('when the payload is invalid and onInvalid is fail', () => {
  it('does fail permanently, listing the problems', async () => {
    const error = await runNode(runtime, { config: { schema }, payload: { orderId: 'A1', qty: 0 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'payload does not match the schema: /qty must be >= 1' });
  });
});

describe('when several messages pass one deployed node', () => {
  it('does compile the schema once, in prepare', async () => {
    const node = await deployNode(runtime, { config: { schema, onInvalid: 'port' } });
    try {
      expect(node.memoBuilds.get('schema')).toBe(1);
      const ports = [];
      for (const payload of [{ orderId: 'A1', qty: 1 }, { orderId: 'x' }, { orderId: 'A2', qty: 3 }]) {
        ports.push(...(await node.run({ payload })).emissions.map((e) => e.port));
      }
      expect(ports).toEqual(['out', 'invalid', 'out']);
      expect(node.memoBuilds.get('schema')).toBe(1);
    } finally {
      node.close();
    }
  });
});

describe('when a pattern would backtrack catastrophically', () => {
  it('does answer at once, matching in linear time', async () => {
    const started = performance.now();
    const { emissions } = await runNode(runtime, {
      config: { schema: { type: 'string', pattern: '^(a+)+$' }, onInvalid: 'port' },
      payload: `${'a'.repeat(37)}!`,
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(emissions.map((e) => e.port)).toEqual(['invalid']);
  });

  it('does run patternProperties through the same engine', async () => {
    const config = { schema: { type: 'object', patternProperties: { '^(a+)+$': { type: 'number' } } }, onInvalid: 'port' as const };
    const { emissions } = await runNode(runtime, { config, payload: { [`${'a'.repeat(37)}!`]: 'x', aaa: 'not a number' } });
    expect((emissions[0]!.attrs as { validationErrors: unknown[] }).validationErrors).toEqual([{ path: '/aaa', message: 'must be number' }]);
  });
});

describe('when the schema uses a regex only a backtracking engine can run', () => {
  it('does fail the deploy', async () => {
    const failing = deployNode(runtime, { config: { schema: { type: 'string', pattern: '^(?!admin).*$' } } });
    await expect(failing).rejects.toBeInstanceOf(PermanentError);
    await expect(failing).rejects.toMatchObject({ code: 'SCHEMA_UNUSABLE' });
  });
});
