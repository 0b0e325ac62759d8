import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { validatorFor, withDefaults as withSchemaDefaults } from '../flows/ajv';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../flows/policy';
import { resolvePorts } from '../flows/ports';
import { NODE_SPECS, nodeCatalogue } from './catalogue';
import type { NodeSpec } from './spec';

const NODES_DIR = fileURLToPath(new URL('.', import.meta.url));

const validatorOf = (spec: NodeSpec): ValidateFunction => validatorFor(spec.configSchema);
const withDefaults = (spec: NodeSpec, config: object): Record<string, unknown> =>
  withSchemaDefaults(spec.configSchema, config) as Record<string, unknown>;
const specOf = (type: string): NodeSpec => {
  const spec = NODE_SPECS.find((s) => s.type === type);
  if (!spec) throw new Error(`no spec "${type}"`);
  return spec;
};
const isValid = (type: string, config: object): boolean => validatorOf(specOf(type))(withDefaults(specOf(type), config));

/**
 * The smallest useful config of each type that needs one ({} isn't valid for these: they have a
 * field nothing can default, such as a webhook's path or a filter's condition).
 */
const MINIMAL_EXAMPLES: Record<string, object> = {
  webhook: { path: '/orders' },
  'http-poll': { url: 'https://crm.example/api/customers' },
  'kafka-consume': { topics: ['customer_data'] },
  filter: { expression: 'total > 100' },
  switch: {
    rules: [
      { port: 'high', expression: 'total >= 1000' },
      { port: 'low', expression: 'total < 1000' },
    ],
  },
  validate: { schema: { type: 'object', required: ['orderId'] } },
  merge: { correlationKey: 'orderId' },
  saga: {
    steps: [
      {
        name: 'reserveInventory',
        action: { url: '"https://inventory.example/reserve"', body: '$' },
        compensation: { url: '"https://inventory.example/release"', body: '$' },
      },
    ],
  },
  'http-request': { url: '"https://analytics.example/api/data"' },
  'kafka-produce': { topic: 'orders' },
  file: { path: 'orders.jsonl' },
};

const configOf = (spec: NodeSpec, config: object = MINIMAL_EXAMPLES[spec.type] ?? {}) => withDefaults(spec, config);
const names = (ports: Array<{ name: string }>) => ports.map((p) => p.name);
const portsOf = (type: string, config: object, onError?: string) => {
  const spec = specOf(type);
  const { ports, problems } = resolvePorts(spec.ports, { config: configOf(spec, config) }, onError);
  expect(problems).toEqual([]);
  return { inputs: names(ports.inputs), outputs: names(ports.outputs) };
};

/** Calls `visit` on every subschema (properties, items, pattern properties, if/then). */
function walk(schema: unknown, visit: (s: Record<string, unknown>, at: string) => void, at = ''): void {
  if (typeof schema !== 'object' || schema === null) return;
  const s = schema as Record<string, unknown>;
  visit(s, at);
  for (const key of ['properties', 'patternProperties'] as const) {
    for (const [name, sub] of Object.entries((s[key] as Record<string, unknown> | undefined) ?? {})) walk(sub, visit, `${at}/${name}`);
  }
  for (const key of ['items', 'if', 'then', 'not'] as const) walk(s[key], visit, `${at}/${key}`);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) (s[key] as unknown[] | undefined)?.forEach((sub, i) => walk(sub, visit, `${at}/${key}/${i}`));
}

/** The JSONata sources in `value`: the strings at places where `schema` says `format: "jsonata"`. */
function expressionsIn(schema: unknown, value: unknown): string[] {
  if (typeof schema !== 'object' || schema === null || value === undefined) return [];
  const s = schema as Record<string, Record<string, unknown> | undefined>;
  if (s.format === ('jsonata' as unknown) && typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((v) => expressionsIn(s.items, v));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...expressionsIn(s.properties?.[k], v),
    ...Object.values(s.patternProperties ?? {}).flatMap((sub) => expressionsIn(sub, v)),
  ]);
}

/** A deep copy holding only what JSON can carry; throws on anything else (functions, undefined…). */
function plain(value: unknown, at = ''): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value)) return value.map((v, i) => plain(v, `${at}/${i}`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, `${at}/${k}`)]));
  }
  throw new Error(`${at || '/'} is not JSON (${typeof value})`);
}

describe('when the catalogue is assembled', () => {
  it('holds exactly the 17 node types, each once, grouped by category', () => {
    expect(NODE_SPECS.map((s) => s.type)).toEqual([
      'inject', 'schedule', 'webhook', 'http-poll', 'kafka-consume',
      'map', 'filter', 'switch', 'split', 'validate',
      'merge', 'saga',
      'http-request', 'kafka-produce', 'file', 'log', 'http-reply',
    ]);
    expect(nodeCatalogue.size).toBe(17);
    const order = NODE_SPECS.map((s) => CATEGORIES.indexOf(s.category));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('finds every spec under nodes/<category>/<type>/spec.ts, named after its folders', async () => {
    const found: NodeSpec[] = [];
    for (const category of CATEGORIES) {
      for (const type of readdirSync(join(NODES_DIR, category))) {
        const file = join(NODES_DIR, category, type, 'spec.ts');
        const { spec } = (await import(pathToFileURL(file).href)) as { spec: NodeSpec };
        expect({ type: spec.type, category: spec.category }).toEqual({ type, category });
        const source = readFileSync(file, 'utf8');
        expect(source.startsWith('/**'), `${type}: contract header`).toBe(true);
        expect(source.slice(0, source.indexOf('*/')), `${type}: header names ports and errors`).toMatch(/Ports:[\s\S]*Transient:[\s\S]*Permanent:/);
        if (category === 'sink') expect(source.slice(0, source.indexOf('*/')), `${type}: delivery guarantee`).toMatch(/Delivery:/);
        found.push(spec);
      }
    }
    expect(new Set(found)).toEqual(new Set(NODE_SPECS));
  });

  it('imports specs only, and specs import only pure modules', () => {
    const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]!);
    for (const from of importsOf(join(NODES_DIR, 'catalogue.ts'))) {
      expect(from).toMatch(/^(\.\/(source|transform|merge|saga|sink)\/[a-z-]+\/spec|\.\/spec|\.\.\/flows\/catalogue)$/);
    }
    for (const spec of NODE_SPECS) {
      for (const from of importsOf(join(NODES_DIR, spec.category, spec.type, 'spec.ts'))) {
        expect(from, spec.type).toMatch(/^(@sinclair\/typebox|\.\.\/\.\.\/\.\.\/flows\/(ports|limits|schema)|\.\.\/\.\.\/(spec|fields|shared\/(schema|http|kafka)))$/);
      }
    }
  });

  it('finds the JSONata of a config where its schema says so, and only there', () => {
    expect(expressionsIn(specOf('saga').configSchema, MINIMAL_EXAMPLES.saga)).toEqual([
      '"https://inventory.example/reserve"', '$', '"https://inventory.example/release"', '$',
    ]);
    expect(expressionsIn(specOf('http-poll').configSchema, MINIMAL_EXAMPLES['http-poll'])).toEqual([]);
  });
});

describe.each(NODE_SPECS.map((s) => [s.type, s] as const))('when the %s spec is checked', (type, spec) => {
  it('compiles its config schema with strict ajv', () => {
    expect(() => validatorFor(spec.configSchema)).not.toThrow();
    expect(() => withSchemaDefaults(spec.configSchema, {})).not.toThrow();
  });

  it('closes every object and titles every top-level field', () => {
    walk(spec.configSchema, (s, at) => {
      if (s.properties !== undefined && !/\/(if|then|else)$/.test(at)) expect(s.additionalProperties, `${type}${at}`).toBe(false);
    });
    for (const [name, field] of Object.entries(spec.configSchema.properties as Record<string, { title?: string }>)) {
      expect(field.title, `${type}/${name}`).toBeTruthy();
    }
  });

  it('documents every top-level field and every fixed port', () => {
    for (const name of Object.keys(spec.configSchema.properties as object)) expect(spec.docs, name).toMatch(new RegExp(`\`${name}[\`.]`));
    for (const rule of [...spec.ports.inputs, ...spec.ports.outputs]) if (rule.kind === 'fixed') expect(spec.docs, rule.name).toContain(`\`${rule.name}\``);
    expect(spec.title.length).toBeGreaterThan(0);
    expect(spec.keywords?.length).toBeGreaterThan(0);
  });

  it('gives JSONata fields defaults, and examples, that parse', () => {
    const sources: string[] = [];
    walk(spec.configSchema, (s) => {
      if (s.format === 'jsonata' && typeof s.default === 'string') sources.push(s.default);
    });
    sources.push(...expressionsIn(spec.configSchema, MINIMAL_EXAMPLES[type]));
    for (const source of sources) expect(() => jsonata(source), source).not.toThrow();
  });

  it(MINIMAL_EXAMPLES[type] ? 'needs its minimal example, which is valid once defaulted' : 'is valid with nothing but its defaults', () => {
    const example = MINIMAL_EXAMPLES[type];
    if (example) {
      expect(validatorOf(spec)(withDefaults(spec, {}))).toBe(false);
      expect(isValid(type, example), JSON.stringify(validatorOf(spec).errors)).toBe(true);
    } else {
      expect(isValid(type, {}), JSON.stringify(validatorOf(spec).errors)).toBe(true);
    }
  });

  it('declares exactly the credential types its fields name', () => {
    const named = new Set<string>();
    walk(spec.configSchema, (s) => (s['x-credential-types'] as string[] | undefined)?.forEach((t) => named.add(t)));
    expect([...named].sort()).toEqual([...(spec.credentialTypes ?? [])].sort());
  });

  it('survives being served as JSON, losing nothing', () => {
    expect(JSON.parse(JSON.stringify(spec))).toStrictEqual(plain(spec));
  });

  it(`has ${spec.category === 'source' ? 'no inputs' : spec.category === 'sink' ? 'no outputs' : 'inputs and outputs'}`, () => {
    const ports = portsOf(type, MINIMAL_EXAMPLES[type] ?? {});
    if (spec.category === 'source') expect(ports.inputs).toEqual([]);
    else expect(ports.inputs.length).toBeGreaterThan(0);
    if (spec.category === 'sink') expect(ports.outputs).toEqual([]);
    else expect(ports.outputs.length).toBeGreaterThan(0);
  });
});

describe('when ports follow the config', () => {
  it('gives a switch one output per rule, then otherwise', () => {
    expect(portsOf('switch', MINIMAL_EXAMPLES.switch!)).toEqual({ inputs: ['in'], outputs: ['high', 'low', 'otherwise'] });
    expect(portsOf('switch', { ...MINIMAL_EXAMPLES.switch, otherwise: false }).outputs).toEqual(['high', 'low']);
  });

  it('reports two switch rules naming one port', () => {
    const config = configOf(specOf('switch'), { rules: [{ port: 'a', expression: 'x' }, { port: 'a', expression: 'y' }] });
    expect(resolvePorts(specOf('switch').ports, { config }).problems).toEqual([{ pointer: '/config/rules/1/port', message: 'port "a" is declared twice' }]);
  });

  it('labels a switch port with its rule label', () => {
    const config = configOf(specOf('switch'), { rules: [{ port: 'vip', label: 'VIP customers', expression: 'vip' }] });
    expect(resolvePorts(specOf('switch').ports, { config }).ports.outputs[0]).toEqual({ name: 'vip', label: 'VIP customers' });
  });

  it('gives a join merge one input per name, and a timeout output', () => {
    expect(portsOf('merge', { inputs: ['orders', 'payments'], correlationKey: 'orderId' })).toEqual({ inputs: ['orders', 'payments'], outputs: ['out', 'timeout'] });
  });

  it('gives a window merge no timeout output', () => {
    expect(portsOf('merge', { mode: 'window', inputs: ['customers', 'products'] })).toEqual({ inputs: ['customers', 'products'], outputs: ['out'] });
  });

  it('adds rejected to a filter only when asked', () => {
    expect(portsOf('filter', { expression: 'ok' }).outputs).toEqual(['out']);
    expect(portsOf('filter', { expression: 'ok', emitRejected: true }).outputs).toEqual(['out', 'rejected']);
  });

  it('adds invalid to validate only when onInvalid is port', () => {
    expect(portsOf('validate', MINIMAL_EXAMPLES.validate!).outputs).toEqual(['out']);
    expect(portsOf('validate', { ...MINIMAL_EXAMPLES.validate, onInvalid: 'port' }).outputs).toEqual(['out', 'invalid']);
  });

  it('gives a saga completed and compensated outputs', () => {
    expect(portsOf('saga', MINIMAL_EXAMPLES.saga!)).toEqual({ inputs: ['in'], outputs: ['completed', 'compensated'] });
  });

  it('adds an error output to any node whose errors are routed', () => {
    expect(portsOf('map', {}, 'error').outputs).toEqual(['out', 'error']);
    expect(portsOf('http-request', MINIMAL_EXAMPLES['http-request']!, 'error').outputs).toEqual(['error']);
    expect(portsOf('map', {}, 'dead-letter').outputs).toEqual(['out']);
  });
});

describe('when a config is wrong', () => {
  it.each([
    ['webhook', { path: 'orders' }],
    ['webhook', { path: '/../etc/passwd' }],
    ['webhook', { path: '/a//b' }],
    ['webhook', { path: '/a/..' }],
    ['webhook', { path: '/orders', auth: { mode: 'hmac' } }],
    ['http-poll', { url: 'ftp://crm.example/customers' }],
    ['http-poll', { url: 'https://user:secret@crm.example/customers' }],
    ['http-poll', { url: 'https://crm.example/x', pagination: { mode: 'next-link' } }],
    ['http-poll', { url: 'https://crm.example/x', cursor: { param: 'updatedSince' } }],
    ['file', { path: '/etc/passwd' }],
    ['file', { path: '../secret.key' }],
    ['file', { path: 'a/../../b' }],
    ['file', { path: 'a\\b' }],
    ['file', { path: '.hidden' }],
    ['merge', {}],
    ['merge', { correlationKey: 'id', inputs: ['a', 'a'] }],
    ['merge', { correlationKey: 'id', inputs: [] }],
    ['switch', { rules: [] }],
    ['switch', { rules: [{ port: 'bad name', expression: 'x' }] }],
    ['saga', { steps: [] }],
    ['saga', { steps: [{ name: 'has-dash', action: { url: '"https://x.example"' } }] }],
    ['schedule', { mode: 'cron', cron: 'every minute' }],
    ['schedule', { everyMs: 10 }],
    ['kafka-consume', { topics: ['bad topic'] }],
    ['http-request', { url: '"https://x.example"', headers: { 'Bad Header': '"x"' } }],
    ['map', { expression: '$', extra: true }],
  ])('refuses %s %j', (type, config) => {
    expect(isValid(type, config)).toBe(false);
  });

  it('applies conditional requirements to configs as written, where a missing mode means its default', () => {
    const missing = (type: string, config: object) => {
      validatorOf(specOf(type))(config);
      return (validatorOf(specOf(type)).errors ?? []).filter((e) => e.keyword === 'required').map((e) => `${e.instancePath}/${e.params.missingProperty}`);
    };
    expect(missing('merge', { inputs: ['a', 'b'] })).toContain('/correlationKey');
    expect(missing('merge', { mode: 'window' })).not.toContain('/correlationKey');
    expect(missing('webhook', { path: '/x', auth: {} })).not.toContain('/auth/credential');
    expect(missing('webhook', { path: '/x', auth: { mode: 'shared-secret' } })).toContain('/auth/credential');
    expect(missing('http-poll', { url: 'https://x.example', pagination: {} })).not.toContain('/pagination/nextLink');
  });

  it.each([
    ['webhook', { path: '/shop/orders/:id', auth: { mode: 'hmac', credential: 'shop-hmac' } }],
    ['http-poll', { url: 'http://[::1]:8080/api?x=1', pagination: { mode: 'next-link', nextLink: 'links.next' }, cursor: { param: 'updatedSince', value: 'updatedAt' } }],
    ['file', { path: 'orders/2024-01.jsonl' }],
    ['merge', { mode: 'window' }],
    ['schedule', { mode: 'cron', cron: '*/15 9-17 * * MON-FRI', timezone: 'Europe/Paris' }],
    ['schedule', { mode: 'cron', cron: '@daily' }],
  ])('accepts %s %j', (type, config) => {
    expect(isValid(type, config), JSON.stringify(validatorOf(specOf(type)).errors)).toBe(true);
  });
});
