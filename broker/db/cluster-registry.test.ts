/**
 * Two broker nodes on one PostgreSQL registry: a device provisioned through node A's API logs in
 * on node B, a user deleted on B can no longer log in on A, and both nodes write one audit trail.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningPostgres, startPostgres } from '../../testing/servers.ts';
import { ADMIN, startTestBroker, type TestBroker } from '../testing.ts';
import mqtt from 'mqtt';

let pg: RunningPostgres;
let a: TestBroker;
let b: TestBroker;

beforeAll(async () => {
  pg = await startPostgres({ fast: true });
  const postgres = { url: pg.url, poolMax: 4 };
  // Started together: both run the migrations; the advisory lock makes one of them do it.
  [a, b] = await Promise.all([startTestBroker({ postgres }), startTestBroker({ postgres })]);
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await pg?.stop();
});

function connects(port: number, username: string, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { username, password, reconnectPeriod: 0 });
    c.once('connect', () => {
      c.end(true);
      resolve(true);
    });
    c.once('error', () => {
      c.end(true);
      resolve(false);
    });
  });
}

it('a device provisioned on node A logs in on node B; deleted on B, refused on A', async () => {
  const token = await a.login(ADMIN.username, ADMIN.password);
  const created = await a.api('/api/devices', {
    token,
    body: { site: 'north', device: 'gw-7', kind: 'parking' },
  });
  expect(created.status).toBe(201);
  const { password } = created.body as { password: string };
  expect(await connects(b.mqttPort, 'north.gw-7', password)).toBe(true);
  expect(await connects(b.mqttPort, 'north.gw-7', 'wrong-password')).toBe(false);
  const tokenB = await b.login(ADMIN.username, ADMIN.password);
  expect((await b.api('/api/devices/north/gw-7', { method: 'DELETE', token: tokenB })).status).toBe(204);
  expect(await connects(a.mqttPort, 'north.gw-7', password)).toBe(false);
});

it('users and vehicles written on one node are read on the other; one audit trail', async () => {
  const token = await a.login(ADMIN.username, ADMIN.password);
  const pw = 'ada-password-1';
  expect(
    (await a.api('/api/users', { token, body: { username: 'ada', password: pw, role: 'admin' } })).status,
  ).toBe(201);
  const ada = await b.login('ada', pw);
  const vehicle = { owner: 'Ann', category: 'staff', sites: ['north'] };
  expect(
    (await b.api('/api/registry/vehicles/AB123', { method: 'PUT', token: ada, body: vehicle })).status,
  ).toBe(200);
  expect((await a.api('/api/registry/vehicles/AB123', { token })).body).toMatchObject({
    plate: 'AB123',
    owner: 'Ann',
  });
  const trail = (await a.api('/api/audit?actor=ada', { token })).body as { entries: { action: string }[] };
  expect(trail.entries.map((e) => e.action)).toContain('registry.upsert');
});
