/**
 * Issue 16, holes 3 and 7: retained messages are what a dashboard and a booting agent see first,
 * so a poisoned one lies to every newcomer (and a retained command re-ran on every reboot). While
 * a device publishes its retained state, another device and a viewer publish retained state,
 * empty "clear" messages and commands onto its topics, the other device retains malformed state
 * and commands on its own topics, and an operator sends a command with the retain flag. Each must
 * be refused or not kept: afterwards a fresh dashboard (MQTT over WebSocket and /api/live) and
 * freshly booted agents must see none of it, and the device's own state must still be there.
 */
import type { MqttClient } from 'mqtt';
import { lotMessage } from '../../broker/fixtures.ts';
import { collect, connectMqtt, startTestBroker, type TestBroker } from '../../broker/testing.ts';
import { waitFor } from '../../testing/servers.ts';
import { sleep } from '../lib/storage.ts';
import { countFlow, counterSummary, flowStalls, startValidFlow } from '../lib/valid-flow.ts';
import type { Scenario } from '../scenario.ts';

const SITE = 'res';
const VICTIM = 'lot-1';
const OTHER = 'lot-2';
const root = (device: string) => `cityedge/v1/${SITE}/${device}`;
const STATE = `${root(VICTIM)}/parking/lot`;
/** How long a refused publish gets to show up anyway, and a newcomer to receive retained messages. */
const SETTLE_MS = 300;

type Creds = { username: string; password: string };
type Kind =
  | 'device-victim-state'
  | 'device-victim-clear'
  | 'device-victim-command'
  | 'device-own-command'
  | 'device-own-malformed'
  | 'viewer-victim-state'
  | 'viewer-victim-command'
  | 'operator-retained-command';

const command = (mark: string, by?: string) =>
  JSON.stringify({ transaction: mark, args: { lane: 'entry-1', reason: mark, ...(by ? { by } : {}) } });

/** What each attack publishes with retain, and as whom. The mark is in every payload but the clear. */
function plan(
  kind: Kind,
  mark: string,
): { as: 'other' | 'viewer' | 'operator'; topic: string; payload: string } {
  const state = lotMessage(SITE, VICTIM, Date.now(), 199, mark).payload;
  switch (kind) {
    case 'device-victim-state':
      return { as: 'other', topic: STATE, payload: state };
    case 'device-victim-clear':
      return { as: 'other', topic: STATE, payload: '' };
    case 'device-victim-command':
      return { as: 'other', topic: `${root(VICTIM)}/cmd/gate.open`, payload: command(mark) };
    case 'device-own-command':
      return { as: 'other', topic: `${root(OTHER)}/cmd/gate.open`, payload: command(mark) };
    case 'device-own-malformed': {
      const bad = JSON.parse(lotMessage(SITE, OTHER, Date.now(), 1, mark).payload) as { data: object };
      return {
        as: 'other',
        topic: `${root(OTHER)}/parking/lot`,
        payload: JSON.stringify({ ...bad, data: { ...bad.data, occupiedSpotNumber: -5 } }),
      };
    }
    case 'viewer-victim-state':
      return { as: 'viewer', topic: STATE, payload: state };
    case 'viewer-victim-command':
      return { as: 'viewer', topic: `${root(VICTIM)}/cmd/gate.open`, payload: command(mark) };
    case 'operator-retained-command':
      return { as: 'operator', topic: `${root(VICTIM)}/cmd/gate.open`, payload: command(mark, 'otto') };
  }
}

const KINDS: Kind[] = [
  'device-victim-state',
  'device-victim-clear',
  'device-victim-command',
  'device-own-command',
  'device-own-malformed',
  'viewer-victim-state',
  'viewer-victim-command',
  'operator-retained-command',
];

/** Everything retained a newcomer receives on `filter` (MQTT over WebSocket, as the dashboard). */
async function newcomerSees(url: string, creds: Creds & { clientId?: string }, filter: string) {
  const c = await connectMqtt(url, creds);
  const got = collect(c);
  await c.subscribeAsync(filter, { qos: 1 });
  await sleep(SETTLE_MS);
  c.end(true);
  return got;
}

export const scenario: Scenario = {
  name: 'retained-poisoning',
  what: "retained publishes onto another device's state and command topics by a device and a viewer, retained malformed state and commands on a device's own topics, an operator's command with retain, while the device publishes its retained state",
  ci: true,
  async run(ctx) {
    const rounds = ctx.quick ? 3 : 20;
    const broker = await startTestBroker();
    const clients: MqttClient[] = [];
    try {
      const tcp = `mqtt://127.0.0.1:${broker.mqttPort}`;
      const ws = `ws://127.0.0.1:${broker.httpPort}/mqtt`;
      const victimCreds = await broker.addDevice(SITE, VICTIM);
      const otherCreds = await broker.addDevice(SITE, OTHER);
      const who = await users(broker);
      const watcher = await connectMqtt(ws, who.watcher);
      clients.push(watcher);
      const seen = collect(watcher);
      await watcher.subscribeAsync('cityedge/v1/#', { qos: 1 });
      const victim = await connectMqtt(tcp, { ...victimCreds, clientId: `${SITE}.${VICTIM}` });
      clients.push(victim);
      const commands = collect(victim);
      await victim.subscribeAsync(`${root(VICTIM)}/cmd/+`, { qos: 1 });
      const flow = startValidFlow(victim, SITE, VICTIM, 20, { retain: true });

      const creds = { other: otherCreds, viewer: who.viewer, operator: who.operator };
      const marks = new Map<string, Kind>();
      for (let r = 0; r < rounds; r++) {
        // One fresh connection per attack: a refused publish closes it (ACL), hiding the next.
        await Promise.all(
          KINDS.map(async (kind, k) => {
            const mark = `00000000-0000-4000-8000-${String(r).padStart(6, '0')}${String(k).padStart(6, '0')}`;
            marks.set(mark, kind);
            const p = plan(kind, mark);
            const c = await connectMqtt(p.as === 'other' ? tcp : ws, creds[p.as]);
            c.publish(p.topic, p.payload, { qos: 1, retain: true }, () => {});
            await sleep(SETTLE_MS);
            c.end(true);
          }),
        );
      }
      ctx.log(`attacks done: ${marks.size} retained publishes in ${rounds} rounds`);
      flow.markAfter();
      await sleep(500);
      await flow.stop();
      await waitFor(() => countFlow(flow, seen, STATE).stored >= flow.acked.size, 5000, 'delivered').catch(
        () => {},
      );

      // What newcomers see: a dashboard over WebSocket and /api/live, and agents booting again.
      const dashboard = await newcomerSees(ws, who.watcher, 'cityedge/v1/#');
      const live = JSON.stringify(
        (await broker.api(`/api/live?site=${SITE}`, { token: who.watcher.password })).body,
      );
      const boots = [
        ...(await newcomerSees(
          tcp,
          { ...victimCreds, clientId: `${SITE}.${VICTIM}.boot` },
          `${root(VICTIM)}/cmd/+`,
        )),
        ...(await newcomerSees(
          tcp,
          { ...otherCreds, clientId: `${SITE}.${OTHER}.boot` },
          `${root(OTHER)}/cmd/+`,
        )),
      ];
      const breaches = judge({ marks, seen, dashboard, live, boots, commands });
      const victimState = dashboard.find((m) => m.topic === STATE && m.retain);
      const stateKept = victimState !== undefined && flow.sentIds.includes(idIn(victimState.payload));
      if (!stateKept) breaches.push('victim-state-missing');
      const tel = countFlow(flow, seen, STATE);
      const operatorLive = commands.filter(
        (m) => !m.retain && marks.get(idIn(m.payload)) === 'operator-retained-command',
      );
      return {
        sent: tel.sent,
        acknowledged: tel.acknowledged,
        stored: tel.stored,
        lost: tel.lost,
        duplicated: tel.duplicated,
        // Attempts of a kind nobody saw poisoned anything with (breach entries name the kind).
        refused: [...marks.values()].filter((k) => !breaches.some((b) => b.endsWith(`:${k}`))).length,
        breached: breaches.length,
        stalls: flowStalls(tel),
        notes: [
          `${marks.size} retained publishes (${KINDS.join(', ')}) × ${rounds}`,
          `breaches: ${breaches.length ? [...new Set(breaches)].join(', ') : 'none'}`,
          `newcomers: dashboard got ${dashboard.length} retained message(s), the victim's own state ${stateKept ? 'intact' : 'MISSING'}; booting agents got ${boots.length} command(s)`,
          `operator's retained commands delivered live without retain ${operatorLive.length}/${rounds}`,
          `telemetry stored ${tel.stored}/${tel.sent} (during ${tel.storedDuring}, after ${tel.storedAfter}/${tel.sentAfter})`,
          `broker counters: ${counterSummary(broker, /^(mqtt\.(denied|stripped|refused)|ingest\.invalid$)/)}`,
        ],
      };
    } finally {
      for (const c of clients) c.end(true);
      await broker.close();
    }
  },
};

interface Observed {
  marks: Map<string, Kind>;
  /** The watcher subscribed from the start (forwarded live). */
  seen: { topic: string; payload: string; retain: boolean }[];
  dashboard: { topic: string; payload: string; retain: boolean }[];
  live: string;
  boots: { topic: string; payload: string }[];
  commands: { topic: string; payload: string; retain: boolean }[];
}

/** One entry per poisoned thing anyone saw; the operator's command may only arrive live, unretained. */
function judge(o: Observed): string[] {
  const out: string[] = [];
  const markOf = (payload: string) => [...o.marks.keys()].find((m) => payload.includes(m));
  for (const m of o.dashboard)
    if (markOf(m.payload) || m.topic.includes('/cmd/')) out.push(`dashboard:${m.topic}`);
  for (const mark of o.marks.keys()) if (o.live.includes(mark)) out.push(`api-live:${o.marks.get(mark)}`);
  for (const m of o.boots) out.push(`boot:${m.topic}`);
  for (const m of o.commands) {
    const kind = o.marks.get(idIn(m.payload));
    if (m.retain || (kind && kind !== 'operator-retained-command')) out.push(`agent:${kind ?? m.topic}`);
  }
  for (const m of o.seen) {
    if (m.topic.startsWith('cityedge/v1/_dlq/')) continue; // a dead letter quotes what it refused
    const kind = o.marks.get(markOf(m.payload) ?? '');
    if (kind && kind !== 'operator-retained-command') out.push(`forwarded:${kind}`);
    if (m.topic === STATE && m.payload === '') out.push('forwarded:device-victim-clear');
  }
  return out;
}

async function users(b: TestBroker): Promise<Record<'watcher' | 'viewer' | 'operator', Creds>> {
  const login = async (name: string, role: 'viewer' | 'operator') => ({
    username: name,
    password: await b.login(name, await b.addUser(name, role)),
  });
  return {
    watcher: await login('wanda', 'viewer'),
    viewer: await login('vic', 'viewer'),
    operator: await login('otto', 'operator'),
  };
}

/** The message id (telemetry) or transaction (command) in a payload. */
function idIn(payload: string): string {
  try {
    const p = JSON.parse(payload) as { id?: unknown; transaction?: unknown };
    return String(p.id ?? p.transaction ?? '');
  } catch {
    return '';
  }
}
