/**
 * Login lockout (issue 16, hole 7) against the real broker with real mqtt.js and HTTP clients.
 * Before the fix a device's password could be guessed over MQTT at 47/s with no lockout, and the
 * HTTP login limited only the source address. Now: after a few failures the account is locked
 * (its correct password refused, with a reason, until the lock expires), a success resets it,
 * cycling usernames locks the source, devices of other accounts and addresses log in as before,
 * and every refusal is counted. The attacker connects from 127.0.0.2, the real devices from
 * 127.0.0.1, so the broker sees two sources.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lotMessage } from '../fixtures.ts';
import {
  collect,
  connackCode,
  connackCodeFrom,
  connectMqtt,
  postJsonFrom,
  startTestBroker,
  type TestBroker,
} from '../testing.ts';

const EVIL = '127.0.0.2';
const LOCK_S = 1;
let broker: TestBroker;
let tcp: string;
let ws: string;
let login: string;
const clients: MqttClient[] = [];

beforeAll(async () => {
  broker = await startTestBroker({
    login: { accountMaxFailures: 5, sourceMaxFailures: 0, lockS: LOCK_S, maxLockS: 8, windowS: 60 },
  });
  tcp = `mqtt://127.0.0.1:${broker.mqttPort}`;
  ws = `ws://127.0.0.1:${broker.httpPort}/mqtt`;
  login = `http://127.0.0.1:${broker.httpPort}/api/login`;
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  await broker?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('MQTT CONNECT lockout per account', () => {
  it('guesses lock the account: its correct password is refused until the lock expires', async () => {
    const victim = await broker.addDevice('campus', 'victim');
    const other = await broker.addDevice('campus', 'other');
    // A device of another account, connected before the attack, keeps publishing throughout.
    const bystander = await connectMqtt(tcp, other);
    clients.push(bystander);
    const guess = (i: number, url: string) =>
      connackCodeFrom(EVIL, url, { username: victim.username, password: `guess-${i}` });
    const codes: number[] = [];
    // Over TCP and WebSocket alike: the account is one, whatever the listener.
    for (let i = 0; i < 5; i++) codes.push(await guess(i, i % 2 ? ws : tcp));
    expect(codes).toEqual([4, 4, 4, 4, 4]);
    expect(broker.counters.get('auth.lockout.account')).toBe(1);
    // Locked: the right password, from the device's own address, is refused (5 = not authorised).
    expect(await connackCode(tcp, victim)).toBe(5);
    expect(await guess(99, tcp)).toBe(5);
    expect(broker.counters.get('mqtt.refused.locked.account')).toBe(2);
    // Other accounts, from either address, are not affected.
    expect(await connackCode(tcp, other)).toBe(0);
    expect(await connackCodeFrom(EVIL, tcp, other)).toBe(0);
    const m = lotMessage('campus', 'other', Date.now(), 7);
    await bystander.publishAsync(m.topic, m.payload, { qos: 1 });
    expect(bystander.connected).toBe(true);
    await sleep(LOCK_S * 1000 + 100);
    expect(await connackCode(tcp, victim)).toBe(0);
  });

  it('a successful login resets the account tally', async () => {
    const dev = await broker.addDevice('campus', 'resets');
    const wrong = () => connackCodeFrom(EVIL, tcp, { username: dev.username, password: 'nope' });
    for (let i = 0; i < 4; i++) expect(await wrong()).toBe(4);
    expect(await connackCode(tcp, dev)).toBe(0);
    for (let i = 0; i < 4; i++) expect(await wrong()).toBe(4);
    expect(await connackCode(tcp, dev)).toBe(0);
  });

  it('unknown usernames are tracked like real ones (a lock reveals nothing)', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++)
      codes.push(await connackCodeFrom(EVIL, tcp, { username: 'campus.nosuch', password: `g${i}` }));
    expect(codes).toEqual([4, 4, 4, 4, 4, 5]);
  });

  it('devices that authenticate by a valid JWT or are already connected are unaffected', async () => {
    const op = 'lock-op';
    const token = await broker.login(op, await broker.addUser(op, 'operator'));
    const watcher = await connectMqtt(ws, { username: op, password: token });
    clients.push(watcher);
    const got = collect(watcher);
    await watcher.subscribeAsync('cityedge/v1/campus/#', { qos: 1 });
    const dev = await broker.addDevice('campus', 'live');
    const live = await connectMqtt(tcp, dev);
    clients.push(live);
    for (let i = 0; i < 6; i++)
      await connackCodeFrom(EVIL, tcp, { username: dev.username, password: `x${i}` });
    expect(await connackCode(tcp, dev)).toBe(5); // locked for new connections…
    const m = lotMessage('campus', 'live', Date.now(), 3);
    await live.publishAsync(m.topic, m.payload, { qos: 1 }); // …the open session keeps working
    await expect.poll(() => got.some((g) => g.payload === m.payload)).toBe(true);
  });
});

describe('HTTP login lockout per account', () => {
  it('locks after failures with a clear reason, backs off, and leaves other users alone', async () => {
    const pw = await broker.addUser('olga', 'operator');
    await broker.addUser('vic', 'viewer', 'vic-password');
    const wrong = await Promise.all(
      Array.from({ length: 5 }, (_, i) => postJsonFrom(EVIL, login, { username: 'olga', password: `g${i}` })),
    );
    expect(wrong.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    const locked = await broker.api('/api/login', { body: { username: 'olga', password: pw } });
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({
      error: {
        code: 'API_RATE_LIMITED',
        message: `account locked after repeated failed logins; retry in ${LOCK_S} s`,
        details: { scope: 'account', retryAfterS: LOCK_S },
      },
    });
    const raw = await fetch(login, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'olga', password: pw }),
    });
    expect([raw.status, raw.headers.get('retry-after')]).toEqual([429, String(LOCK_S)]);
    expect(broker.counters.get('api.login.refused.locked.account')).toBe(2);
    const admin = await broker.login('admin', 'admin-password-1');
    const audit = await broker.api('/api/audit?actor=olga', { token: admin });
    const rows = (audit.body as { entries: { action: string; target: string; outcome: string }[] }).entries;
    expect(rows.filter((e) => e.action === 'login.failed')).toHaveLength(5);
    expect(rows.filter((e) => e.action === 'login.locked')).toEqual([
      expect.objectContaining({ target: EVIL, outcome: 'account' }),
    ]);
    expect((await postJsonFrom(EVIL, login, { username: 'vic', password: 'vic-password' })).status).toBe(200);
    await sleep(LOCK_S * 1000 + 100);
    // Back-off: the next lock of the same account lasts twice as long.
    for (let i = 0; i < 5; i++) await postJsonFrom(EVIL, login, { username: 'olga', password: `h${i}` });
    const again = await broker.api('/api/login', { body: { username: 'olga', password: pw } });
    expect(again.body).toMatchObject({ error: { details: { retryAfterS: 2 * LOCK_S } } });
    await sleep(2 * LOCK_S * 1000 + 100);
    expect((await broker.api('/api/login', { body: { username: 'olga', password: pw } })).status).toBe(200);
  });

  it('the per-source bucket refusals are counted too', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        postJsonFrom('127.0.0.3', login, { username: `x${i}`, password: 'y' }),
      ),
    );
    const limited = attempts.filter((r) => r.status === 429).length;
    expect(limited).toBeGreaterThan(0);
    expect(broker.counters.get('api.login.refused.rate')).toBe(limited);
  });
});

describe('per-source lock and memory bound', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({
      login: { accountMaxFailures: 5, sourceMaxFailures: 8, lockS: 30, windowS: 60, maxTracked: 10 },
    });
  });
  afterAll(async () => b?.close());

  it('cycling usernames from one address locks the address on MQTT and HTTP; others log in', async () => {
    const url = `mqtt://127.0.0.1:${b.mqttPort}`;
    const dev = await b.addDevice('north', 'gw-1');
    const codes: number[] = [];
    for (let i = 0; i < 12; i++)
      codes.push(await connackCodeFrom(EVIL, url, { username: `north.guess-${i}`, password: 'pw' }));
    expect(codes).toEqual([...Array(8).fill(4), 5, 5, 5, 5]);
    expect(b.counters.get('mqtt.refused.locked.source')).toBe(4);
    // A real device's correct password from the locked address is refused too; from elsewhere not.
    expect(await connackCodeFrom(EVIL, url, dev)).toBe(5);
    expect(await connackCode(url, dev)).toBe(0);
    const http = await postJsonFrom(EVIL, `http://127.0.0.1:${b.httpPort}/api/login`, {
      username: 'admin',
      password: 'whatever',
    });
    expect(http.status).toBe(429);
    expect(http.body).toMatchObject({ error: { details: { scope: 'source' } } });
    expect(b.counters.get('api.login.refused.locked.source')).toBe(1);
  });

  it('usernames cycled from many addresses stay within maxTracked (evictions counted)', async () => {
    const url = `mqtt://127.0.0.1:${b.mqttPort}`;
    // 5 addresses × 6 names each = 30 names past a bound of 10 (each address stays under its lock).
    for (let a = 0; a < 5; a++)
      for (let i = 0; i < 6; i++)
        await connackCodeFrom(`127.0.1.${a + 1}`, url, { username: `s${a}.n-${i}`, password: 'pw' });
    expect(b.counters.get('auth.lockout.evicted')).toBeGreaterThanOrEqual(20);
  });
});
