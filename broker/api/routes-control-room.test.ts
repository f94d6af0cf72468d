/** The control room's operations log and alarm acknowledgements against a real broker. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityPlan, writeCityPlan } from '../../cli/demo-city.ts';
import { ADMIN, startTestBroker, type TestBroker } from '../testing.ts';

let broker: TestBroker;
const tokens = { viewer: '', operator: '', admin: '' };

beforeAll(async () => {
  broker = await startTestBroker();
  tokens.admin = await broker.login(ADMIN.username, ADMIN.password);
  tokens.viewer = await broker.login('vic', await broker.addUser('vic', 'viewer'));
  tokens.operator = await broker.login('olga', await broker.addUser('olga', 'operator'));
});

afterAll(async () => {
  await broker?.close();
});

describe('control-room routes', () => {
  it('lets an operator acknowledge an alarm, audited and read back by a viewer', async () => {
    const body = { alarm: 'downtown/cab-1/main-and-3rd/conflict/1700000000000', note: 'crew sent' };
    expect((await broker.api('/api/alarms/ack', { token: tokens.viewer, body })).status).toBe(403);
    const ok = await broker.api('/api/alarms/ack', { token: tokens.operator, body });
    expect(ok.status).toBe(200);
    const acks = await broker.api('/api/alarms/acks', { token: tokens.viewer });
    expect(acks.body).toMatchObject({ acks: [{ alarm: body.alarm, by: 'olga' }] });
  });

  it('refuses a malformed acknowledgement with a code', async () => {
    const r = await broker.api('/api/alarms/ack', { token: tokens.operator, body: { alarm: '' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: 'API_BAD_INPUT' } });
  });

  it('shows operators the operations log but not logins or user changes', async () => {
    expect((await broker.api('/api/operations', { token: tokens.viewer })).status).toBe(403);
    const r = await broker.api('/api/operations', { token: tokens.operator });
    expect(r.status).toBe(200);
    const actions = (r.body as { entries: Array<{ action: string }> }).entries.map((e) => e.action);
    expect(actions).toContain('alarm.ack');
    expect(actions).not.toContain('user.create');
  });
});

describe('city plan', () => {
  it('answers 404 with a code when no plan is configured', async () => {
    const r = await broker.api('/api/plan', { token: tokens.viewer });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: { code: 'API_NOT_FOUND' } });
  });

  it('serves the configured plan to viewers, and refuses to start on a broken one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cityedge-plan-'));
    try {
      await writeCityPlan(dir);
      const withPlan = await startTestBroker({ cityPlan: join(dir, 'city.json') });
      try {
        const viewer = await withPlan.login('vic', await withPlan.addUser('vic', 'viewer'));
        expect((await withPlan.api('/api/plan', {})).status).toBe(401);
        const r = await withPlan.api('/api/plan', { token: viewer });
        expect(r.status).toBe(200);
        expect(r.body).toEqual({ plan: cityPlan() });
      } finally {
        await withPlan.close();
      }
      const broken = { ...cityPlan(), routes: [{ routeId: 'r', name: 'R', via: ['no/such/junction'] }] };
      await writeFile(join(dir, 'broken.json'), JSON.stringify(broken));
      await expect(startTestBroker({ cityPlan: join(dir, 'broken.json') })).rejects.toMatchObject({
        code: 'CONFIG_CITY_PLAN',
        message: expect.stringMatching(/routes\.0\.via\.0: no\/such\/junction is not an intersection/),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
