/**
 * Token revocation (issue 16, hole 5) against the real broker with real clients: before the fix
 * a deleted or demoted operator's token kept working for its 12 h on the API and on MQTT over
 * WebSocket. Now the token is refused at once on the node that made the change, the open
 * WebSocket session is closed, and a second node sharing the PostgreSQL registry follows within
 * its version cache's TTL.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPostgres, startPostgres, waitFor } from '../../testing/servers.ts';
import { ADMIN, connackCode, connectMqtt, startTestBroker, type TestBroker } from '../testing.ts';

let broker: TestBroker;
let admin: string;
let ws: string;
const clients: MqttClient[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  admin = await broker.login(ADMIN.username, ADMIN.password);
  ws = `ws://127.0.0.1:${broker.httpPort}/mqtt`;
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  await broker?.close();
});

/** An operator logged in on the API and connected over WebSocket with the same token. */
async function operator(name: string, b: TestBroker = broker) {
  const token = await b.login(name, await b.addUser(name, 'operator'));
  const url = `ws://127.0.0.1:${b.httpPort}/mqtt`;
  const session = await connectMqtt(url, { username: name, password: token });
  clients.push(session);
  const closed = new Promise<void>((r) => session.once('close', () => r()));
  return { token, session, closed, url };
}

const change = (path: string, method: string, body?: unknown) =>
  broker.api(path, { method, token: admin, ...(body ? { body } : {}) });

describe('token revocation', () => {
  it('a deleted operator: token refused on the API and over WebSocket, open session closed', async () => {
    const op = await operator('del-op');
    expect((await broker.api('/api/me', { token: op.token })).status).toBe(200);
    expect((await change('/api/users/del-op', 'DELETE')).status).toBe(204);
    // No wait: the node that deleted the user forgot its cached version.
    const me = await broker.api('/api/me', { token: op.token });
    expect(me.status).toBe(401);
    expect(JSON.stringify(me.body)).toMatch(/revoked/);
    await op.closed;
    expect(await connackCode(ws, { username: 'del-op', password: op.token })).not.toBe(0);
    // Recreated under the same name: the old token is still dead (random first version).
    await broker.addUser('del-op', 'operator');
    expect((await broker.api('/api/me', { token: op.token })).status).toBe(401);
    expect(await connackCode(ws, { username: 'del-op', password: op.token })).not.toBe(0);
    expect(broker.counters.get('auth.revoked.http')).toBeGreaterThanOrEqual(2);
    expect(broker.counters.get('auth.revoked.mqtt')).toBeGreaterThanOrEqual(2);
    expect(broker.counters.get('auth.revoked.disconnected')).toBeGreaterThanOrEqual(1);
  });

  it('a demoted operator: the operator token is refused; a new login carries the new role', async () => {
    const op = await operator('demo-op');
    expect((await change('/api/users/demo-op', 'PUT', { role: 'viewer' })).status).toBe(200);
    expect((await broker.api('/api/me', { token: op.token })).status).toBe(401);
    const cmd = { site: 'x', device: 'y', command: 'ping', args: {}, timeoutMs: 100 };
    expect((await broker.api('/api/commands', { token: op.token, body: cmd })).status).toBe(401);
    await op.closed;
    expect(await connackCode(ws, { username: 'demo-op', password: op.token })).not.toBe(0);
    const fresh = await broker.login('demo-op', 'demo-op-password');
    expect((await broker.api('/api/me', { token: fresh })).body).toEqual({
      username: 'demo-op',
      role: 'viewer',
    });
    expect((await broker.api('/api/commands', { token: fresh, body: cmd })).status).toBe(403);
  });

  it('a new password revokes; an update that changes nothing does not', async () => {
    const op = await operator('pw-op');
    expect((await change('/api/users/pw-op', 'PUT', { role: 'operator' })).status).toBe(200);
    expect((await broker.api('/api/me', { token: op.token })).status).toBe(200);
    expect(op.session.connected).toBe(true);
    expect((await change('/api/users/pw-op', 'PUT', { password: 'a-new-password' })).status).toBe(200);
    expect((await broker.api('/api/me', { token: op.token })).status).toBe(401);
    await op.closed;
  });
});

describe('token revocation across a cluster (shared PostgreSQL registry)', () => {
  let pg: RunningPostgres;
  const nodes: TestBroker[] = [];
  beforeAll(async () => {
    pg = await startPostgres({ fast: true });
    for (let i = 0; i < 2; i++)
      nodes.push(await startTestBroker({ postgres: { url: pg.url, schema: 'revoke' } }));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await pg?.stop();
  });

  it('a user deleted through node A is refused by node B and dropped from B within the cache TTL', async () => {
    const [a, b] = nodes as [TestBroker, TestBroker];
    const op = await operator('far-op', b);
    expect((await b.api('/api/me', { token: op.token })).status).toBe(200);
    const adminA = await a.login(ADMIN.username, ADMIN.password);
    expect((await a.api('/api/users/far-op', { method: 'DELETE', token: adminA })).status).toBe(204);
    await waitFor(
      async () => (await b.api('/api/me', { token: op.token })).status === 401,
      5000,
      'node B refuses the revoked token',
    );
    await op.closed;
    expect(b.counters.get('auth.revoked.disconnected')).toBe(1);
    expect(await connackCode(op.url, { username: 'far-op', password: op.token })).not.toBe(0);
  });
});
