/**
 * The feature table: every contract command has exactly one owner, and each real feature, started
 * the way agent.ts starts it, registers exactly the commands it declares and publishes only the
 * topics it declares.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CommandName, commandNames, topics } from '../../core/contract/index.ts';
import { ok } from '../../core/errors.ts';
import { type Feature, type FeatureInstance, scopedContext } from './feature.ts';
import { FEATURES } from './features.ts';
import { type TestContext, testContext } from './test-context.ts';

const root = resolve(import.meta.dirname, '../..');

describe('feature table', () => {
  it('gives every contract command exactly one owner (ping belongs to the agent)', () => {
    const owned = FEATURES.flatMap((f) => f.commands as CommandName[]);
    expect(new Set(owned).size).toBe(owned.length);
    expect([...owned, 'ping'].sort()).toEqual([...commandNames].sort());
  });

  it('declares only contract topics, each published by one feature', () => {
    const declared = FEATURES.flatMap((f) => f.publishes);
    for (const kind of declared) expect(topics).toHaveProperty(kind);
    expect(new Set(declared).size).toBe(declared.length);
  });
});

describe('features started through the table', () => {
  let dir: string;
  let t: TestContext;
  const registered = new Map<string, string[]>();
  const started: FeatureInstance[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cityedge-features-'));
    const lot = readFileSync(join(root, 'controllers/parking/examples/campus-lot.yaml'), 'utf8').replace(
      /^baySensorBus:.*$/m,
      '',
    );
    writeFileSync(join(dir, 'lot.yaml'), lot);
    t = await testContext(
      `
site: campus
device: gw-test
hardware: { profile: simulated, debounceMs: 0 }
mqtt: { url: "mqtt://127.0.0.1:1" }
queue: { path: ${join(dir, 'outbox.db')} }
parking:
  lot: ${join(dir, 'lot.yaml')}
  registry: ${root}/controllers/parking/examples/registry.yaml
  lpr: false
signals:
  - config: ${root}/controllers/signals/examples/t-junction.yaml
pedButtons:
  - { crossing: main-st, input: 50 }
`,
      dir,
    );
    for (const feature of FEATURES) {
      if (feature.section(t.ctx.config) === undefined) continue;
      const names: string[] = [];
      registered.set(feature.name, names);
      const ctx = {
        ...t.ctx,
        commands: {
          handle: ((name, handler) => {
            names.push(name);
            t.ctx.commands.handle(name, handler);
          }) as typeof t.ctx.commands.handle,
        },
      };
      const s = await feature.start(scopedContext(ctx, feature));
      if (!s.ok) throw s.error;
      started.push(s.value);
    }
  });

  afterEach(async () => {
    for (const f of started.splice(0)) await f.stop();
    registered.clear();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers exactly the declared commands and publishes only declared topics', async () => {
    for (const feature of FEATURES)
      expect(registered.get(feature.name)?.sort()).toEqual([...feature.commands].sort());
    // Some traffic: a gate command and time for the signal controller to publish heads and SPaT.
    await t.command('gate.open', { lane: 'entry-1', by: 'op', reason: 'test' });
    t.clock.advance(5_000);
    expect(t.counted.CONTRACT_UNDECLARED_TOPIC).toBeUndefined();
    const owner = new Map(FEATURES.flatMap((f) => f.publishes.map((k) => [k, f.name] as const)));
    const kinds = new Set(t.published.map((p) => p.kind));
    expect(kinds.size).toBeGreaterThan(3);
    for (const kind of kinds) expect(owner.has(kind)).toBe(true);
  });
});

describe('scopedContext', () => {
  const fake = (publishes: Feature['publishes'], commands: Feature['commands']): Feature => ({
    name: 'fake',
    configSchema: {} as Feature['configSchema'],
    section: () => ({}),
    bindings: [],
    controller: 'none',
    publishes,
    commands,
    check: async () => ok(undefined),
    start: async () => ok({ name: 'fake', health: () => ({}), stop: async () => {} }),
  });

  it('drops and counts an undeclared topic, passes a declared one', async () => {
    const t = await testContext(
      `
site: s
device: d
hardware: { profile: simulated }
mqtt: { url: "mqtt://127.0.0.1:1" }
queue: { path: ":memory:" }
signals:
  - config: ${root}/controllers/signals/examples/t-junction.yaml
`,
      tmpdir(),
    );
    const ctx = scopedContext(t.ctx, fake(['signalAlarm'], []));
    ctx.publisher.publish(
      'signalAlarm',
      { intersection: 'x1' },
      { kind: 'flash', detail: 'd', latched: true },
    );
    ctx.publisher.publish('spat', { intersection: 'x1' }, {} as never);
    expect(t.counted.CONTRACT_UNDECLARED_TOPIC).toBe(1);
    expect(t.published.map((p) => p.kind)).toEqual(['signalAlarm']);
    expect(() => ctx.commands.handle('gate.open', () => ok(undefined))).toThrow(/undeclared command/);
    await t.close();
  });
});
