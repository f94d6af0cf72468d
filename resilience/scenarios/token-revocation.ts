/**
 * Issue 16, hole 5: a deleted or demoted operator's token kept working for its 12 h on the API
 * and on MQTT over WebSocket, and a command's `by` could name somebody else. Each round an admin
 * deletes one operator, demotes another and gives a third a new password while they hold tokens
 * and open WebSocket sessions; then every old token tries the API, a command through the API, a
 * new WebSocket CONNECT and a command on its open session, and a valid operator sends commands
 * naming the revoked ones in `by`. Every attempt must be refused (or, for `by`, the device must
 * see the real name); meanwhile a device publishes lot messages and the valid operator's own
 * commands must be answered, during the rounds and after.
 */
import type { MqttClient } from 'mqtt';
import {
  ADMIN,
  collect,
  connackCode,
  connectMqtt,
  startTestBroker,
  type TestBroker,
} from '../../broker/testing.ts';
import { waitFor } from '../../testing/servers.ts';
import { secs, sleep } from '../lib/storage.ts';
import { countFlow, counterSummary, flowStalls, startValidFlow } from '../lib/valid-flow.ts';
import type { Scenario } from '../scenario.ts';

const SITE = 'res';
const FLOW = 'lot-1';
const GATE = 'gate-1';
const GATE_CMD = `cityedge/v1/${SITE}/${GATE}/cmd/gate.open`;
const VALID_OPERATOR = 'olga';
/** How long an open session of a revoked user may stay up (same node: at once; ample margin). */
const CLOSE_WITHIN_MS = 2_000;
/** How long a refused command gets to reach the device anyway before it counts as refused. */
const SETTLE_MS = 300;

type Change = 'deleted' | 'demoted' | 'new-password';
const CHANGES: Change[] = ['deleted', 'demoted', 'new-password'];

interface Holder {
  name: string;
  change: Change;
  token: string;
  session: MqttClient;
  closed: Promise<boolean>;
  /** When the admin's change was sent, and when the broker closed the open session. */
  revokedAt?: number;
  closedAt?: number;
}

interface Outcome {
  refused: number;
  breaches: string[];
  /** How long each revoked session took to close. */
  closeMs: number[];
}

/** The device: answers every command and keeps what it received (transaction → by). */
async function gateDevice(b: TestBroker, tcp: string) {
  const creds = await b.addDevice(SITE, GATE);
  const c = await connectMqtt(tcp, { ...creds, clientId: `${SITE}.${GATE}` });
  const received = new Map<string, { by: unknown; reason: unknown }>();
  c.on('message', (topic, payload) => {
    const m = JSON.parse(payload.toString()) as {
      transaction: string;
      args: { by?: unknown; reason?: unknown };
    };
    received.set(m.transaction, { by: m.args.by, reason: m.args.reason });
    c.publish(`${topic}/response`, JSON.stringify({ status: 'ok', transaction: m.transaction }), { qos: 1 });
  });
  await c.subscribeAsync(`cityedge/v1/${SITE}/${GATE}/cmd/+`, { qos: 1 });
  return {
    client: c,
    received,
    sawReason: (r: string) => [...received.values()].some((v) => v.reason === r),
  };
}

export const scenario: Scenario = {
  name: 'token-revocation',
  what: 'operators deleted, demoted and given a new password while holding tokens and WebSocket sessions, then using them; a valid operator naming them in a command by',
  ci: true,
  async run(ctx) {
    const rounds = ctx.quick ? 2 : 10;
    const broker = await startTestBroker();
    const clients: MqttClient[] = [];
    try {
      const tcp = `mqtt://127.0.0.1:${broker.mqttPort}`;
      const ws = `ws://127.0.0.1:${broker.httpPort}/mqtt`;
      const admin = await broker.login(ADMIN.username, ADMIN.password);
      const valid = await broker.login(VALID_OPERATOR, await broker.addUser(VALID_OPERATOR, 'operator'));
      const validWs = await connectMqtt(ws, { username: VALID_OPERATOR, password: valid });
      const watcher = await connectMqtt(ws, { username: ADMIN.username, password: admin });
      const seen = collect(watcher);
      await watcher.subscribeAsync('cityedge/v1/#', { qos: 1 });
      const gate = await gateDevice(broker, tcp);
      const device = await connectMqtt(tcp, {
        ...(await broker.addDevice(SITE, FLOW)),
        clientId: `${SITE}.${FLOW}`,
      });
      clients.push(validWs, watcher, gate.client, device);
      const flow = startValidFlow(device, SITE, FLOW, 20);
      const commands = { sent: 0, answered: 0 };
      const validCommand = async (reason: string) => {
        commands.sent++;
        const r = await broker.api('/api/commands', {
          token: valid,
          body: { site: SITE, device: GATE, command: 'gate.open', args: { lane: 'in', reason } },
        });
        if (r.status === 200) commands.answered++;
      };

      const out: Outcome = { refused: 0, breaches: [], closeMs: [] };
      const t0 = Date.now();
      for (let r = 0; r < rounds; r++) {
        const holders = await Promise.all(
          CHANGES.map((change) => holder(broker, ws, `${change}-${r}`, change)),
        );
        clients.push(...holders.map((h) => h.session));
        for (const h of holders) await revoke(broker, admin, h);
        await validCommand(`valid-${r}`);
        for (const h of holders) await misuse({ broker, ws, gate, h, out });
        await spoofBy({ broker, valid, validWs, gate, names: holders.map((h) => h.name), r, out });
      }
      ctx.log(`rounds done: ${rounds} × ${CHANGES.length} revoked operators`);
      const roundsMs = Date.now() - t0;
      flow.markAfter();
      await validCommand('valid-after');
      await sleep(300);
      await flow.stop();
      const topic = `cityedge/v1/${SITE}/${FLOW}/parking/lot`;
      await waitFor(() => countFlow(flow, seen, topic).stored >= flow.acked.size, 5000, 'delivered').catch(
        () => {},
      );
      const tel = countFlow(flow, seen, topic);
      const stalls = flowStalls(tel);
      if (commands.answered < commands.sent)
        stalls.push(`valid operator's commands answered ${commands.answered}/${commands.sent}`);
      return {
        sent: tel.sent,
        acknowledged: tel.acknowledged,
        stored: tel.stored,
        lost: tel.lost,
        duplicated: tel.duplicated,
        refused: out.refused,
        breached: out.breaches.length,
        stalls,
        notes: [
          `${rounds} rounds × ${CHANGES.join(', ')} (${secs(roundsMs)}); each old token tried /api/me, /api/commands, a new WebSocket CONNECT and a command on its open session; by spoofed over the API and WebSocket`,
          `breaches: ${out.breaches.length ? out.breaches.join(', ') : 'none'}`,
          `open sessions closed by the broker, from the admin's request, in ${out.closeMs.length ? `${Math.min(...out.closeMs)}–${Math.max(...out.closeMs)} ms` : '-'}`,
          `valid operator's commands answered ${commands.answered}/${commands.sent}; telemetry stored ${tel.stored}/${tel.sent} (during ${tel.storedDuring}, after ${tel.storedAfter}/${tel.sentAfter})`,
          `broker counters: ${counterSummary(broker, /^(auth\.revoked|commands\.by|api\.unauth|mqtt\.refused)/)}`,
        ],
      };
    } finally {
      for (const c of clients) c.end(true);
      await broker.close();
    }
  },
};

/** An operator logged in on the API and connected over WebSocket with the same token. */
async function holder(b: TestBroker, ws: string, name: string, change: Change): Promise<Holder> {
  const token = await b.login(name, await b.addUser(name, 'operator'));
  const session = await connectMqtt(ws, { username: name, password: token });
  const h: Holder = { name, change, token, session, closed: Promise.resolve(false) };
  h.closed = new Promise<boolean>((resolve) => {
    session.once('close', () => {
      h.closedAt = Date.now();
      resolve(true);
    });
  });
  return h;
}

async function revoke(b: TestBroker, admin: string, h: Holder) {
  const path = `/api/users/${h.name}`;
  h.revokedAt = Date.now();
  const r =
    h.change === 'deleted'
      ? await b.api(path, { method: 'DELETE', token: admin })
      : await b.api(path, {
          method: 'PUT',
          token: admin,
          body: h.change === 'demoted' ? { role: 'viewer' } : { password: `${h.name}-new-password` },
        });
  if (r.status >= 300) throw new Error(`E_SCENARIO: ${h.change} ${h.name}: ${r.status}`);
}

/** Every use of the old token; each refused attempt counts, each one that got through is a breach. */
async function misuse(a: {
  broker: TestBroker;
  ws: string;
  gate: Awaited<ReturnType<typeof gateDevice>>;
  h: Holder;
  out: Outcome;
}) {
  const { broker, h, out } = a;
  const judge = (what: string, refused: boolean) => {
    if (refused) out.refused++;
    else out.breaches.push(`${h.change}:${what}`);
  };
  judge('api', (await broker.api('/api/me', { token: h.token })).status === 401);
  const reason = `revoked-api-${h.name}`;
  const cmd = await broker.api('/api/commands', {
    token: h.token,
    body: { site: SITE, device: GATE, command: 'gate.open', args: { lane: 'in', reason }, timeoutMs: 500 },
  });
  await sleep(SETTLE_MS);
  judge('api-command', cmd.status === 401 && !a.gate.sawReason(reason));
  judge('ws-connect', (await connackCode(a.ws, { username: h.name, password: h.token })) !== 0);
  // The open session: closed by the broker, so a command on it never reaches the device.
  const closed = await Promise.race([h.closed, sleep(CLOSE_WITHIN_MS).then(() => false)]);
  if (closed) out.closeMs.push((h.closedAt ?? 0) - (h.revokedAt ?? 0));
  const sessionReason = `revoked-session-${h.name}`;
  if (!closed) {
    const payload = JSON.stringify({
      transaction: `s-${h.name}`,
      args: { lane: 'in', reason: sessionReason },
    });
    h.session.publish(GATE_CMD, payload, { qos: 1 }, () => {});
    await sleep(SETTLE_MS);
  }
  judge('open-session', closed && !a.gate.sawReason(sessionReason));
}

/** The valid operator names revoked users in `by`: the device must see the operator's own name. */
async function spoofBy(a: {
  broker: TestBroker;
  valid: string;
  validWs: MqttClient;
  gate: Awaited<ReturnType<typeof gateDevice>>;
  names: string[];
  r: number;
  out: Outcome;
}) {
  for (const name of a.names) {
    const api = await a.broker.api('/api/commands', {
      token: a.valid,
      body: {
        site: SITE,
        device: GATE,
        command: 'gate.open',
        args: { lane: 'in', reason: 'spoof', by: name },
      },
    });
    const viaApi = a.gate.received.get((api.body as { transaction?: string }).transaction ?? '');
    const transaction = `spoof-${a.r}-${name}`;
    const payload = JSON.stringify({ transaction, args: { lane: 'in', reason: 'spoof', by: name } });
    await a.validWs.publishAsync(GATE_CMD, payload, { qos: 1 });
    await waitFor(() => a.gate.received.has(transaction), 3000, 'spoofed command').catch(() => {});
    const viaWs = a.gate.received.get(transaction);
    for (const [path, got] of [
      ['api', viaApi],
      ['ws', viaWs],
    ] as const) {
      if (got?.by === VALID_OPERATOR) a.out.refused++;
      else a.out.breaches.push(`by-${path}:${String(got?.by ?? 'not delivered')}`);
    }
  }
}
