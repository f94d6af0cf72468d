/**
 * Unauthorised clients and cross-device traffic against the real broker while a device publishes
 * valid lot messages: anonymous and wrong-credential connects, a device publishing telemetry and
 * commands under another device's name, a device subscribing to another device's subtree, and a
 * viewer publishing a command. Each attempt must be refused (connection refused, publish dropped,
 * subscription not granted) and nothing of it may reach a subscriber or the target device
 * (breached); the valid device's messages must all arrive exactly once.
 */
import type { MqttClient } from 'mqtt';
import { lotMessage } from '../../broker/fixtures.ts';
import { collect, connackCode, connectMqtt, startTestBroker, type TestBroker } from '../../broker/testing.ts';
import { waitFor } from '../../testing/servers.ts';
import { sleep } from '../lib/storage.ts';
import { counterSummary, countFlow, flowStalls, startValidFlow } from '../lib/valid-flow.ts';
import type { Scenario } from '../scenario.ts';

const SITE = 'res';
const VICTIM = 'lot-1';
const OTHER = 'lot-2';
/** Password guesses go to a third device, so a per-account lockout cannot stop the other attacks. */
const GUESSED = 'lot-3';
const VICTIM_ROOT = `cityedge/v1/${SITE}/${VICTIM}`;
/** How long a dropped publish gets to show up anyway before the attempt counts as refused. */
const SETTLE_MS = 300;

interface Tally {
  attempts: number;
  refused: number;
  breached: number;
  kinds: Record<string, string>;
}

/** The attacks, each a fresh connection so one refusal (aedes closes the socket) cannot hide the next. */
function attacks(b: TestBroker, tcp: string, ws: string, other: { username: string; password: string }) {
  const once = (creds: { username: string; password: string }) => connectMqtt(tcp, creds);
  return {
    /** CONNECT refused: any non-zero CONNACK code or a closed socket counts. */
    anonymous: async () => (await connackCode(tcp)) !== 0,
    'wrong-password': async () =>
      (await connackCode(tcp, { username: `${SITE}.${GUESSED}`, password: 'guess-1234' })) !== 0,
    'unknown-user': async () =>
      (await connackCode(tcp, { username: 'nobody.here', password: 'guess-1234' })) !== 0,
    /** Telemetry forged under the victim's name: refused when it never shows up. */
    'forged-telemetry': async (mark: string) => {
      const c = await once(other);
      const m = lotMessage(SITE, VICTIM, Date.now(), 7, mark);
      c.publish(m.topic, m.payload, { qos: 1 }, () => {});
      await sleep(SETTLE_MS);
      c.end(true);
      return mark;
    },
    'forged-command': async (mark: string) => {
      const c = await once(other);
      c.publish(`${VICTIM_ROOT}/cmd/gate.open`, JSON.stringify({ transaction: mark, args: { lane: 'in' } }), {
        qos: 1,
      });
      await sleep(SETTLE_MS);
      c.end(true);
      return mark;
    },
    /** Subscribing to the victim's subtree: refused when no grant comes back and nothing arrives. */
    'foreign-subscribe': async (): Promise<boolean> => {
      const c = await once(other);
      const got = collect(c);
      const grants = await c.subscribeAsync(`${VICTIM_ROOT}/#`, { qos: 1 }).catch(() => []);
      await sleep(SETTLE_MS);
      c.end(true);
      const granted = grants.some((g) => g.qos !== 128);
      return !granted && got.length === 0;
    },
    'viewer-command': async (mark: string) => {
      const token = await b.login('watcher', 'watcher-password');
      const c = await connectMqtt(ws, { username: 'watcher', password: token });
      c.publish(`${VICTIM_ROOT}/cmd/gate.open`, JSON.stringify({ transaction: mark, args: { lane: 'in' } }), {
        qos: 1,
      });
      await sleep(SETTLE_MS);
      c.end(true);
      return mark;
    },
  };
}

export const scenario: Scenario = {
  name: 'unauthorised-clients',
  what: 'anonymous and wrong-credential connects, forged telemetry and commands under another device, foreign subscriptions and a viewer command, while a device publishes valid traffic',
  ci: true,
  async run(ctx) {
    const rounds = ctx.quick ? 3 : 20;
    const broker = await startTestBroker();
    const clients: MqttClient[] = [];
    try {
      const tcp = `mqtt://127.0.0.1:${broker.mqttPort}`;
      const ws = `ws://127.0.0.1:${broker.httpPort}/mqtt`;
      const victimCreds = await broker.addDevice(SITE, VICTIM);
      const other = await broker.addDevice(SITE, OTHER);
      await broker.addDevice(SITE, GUESSED);
      await broker.addUser('watcher', 'viewer');
      const watcher = await connectMqtt(ws, {
        username: 'watcher',
        password: await broker.login('watcher', 'watcher-password'),
      });
      clients.push(watcher);
      const seen = collect(watcher);
      await watcher.subscribeAsync('cityedge/v1/#', { qos: 1 });
      const victim = await connectMqtt(tcp, { ...victimCreds, clientId: `${SITE}.${VICTIM}` });
      clients.push(victim);
      const commands = collect(victim);
      await victim.subscribeAsync(`${VICTIM_ROOT}/cmd/+`, { qos: 1 });

      // Valid traffic: one lot message every 20 ms for as long as the attacks run, and a little after.
      const flow = startValidFlow(victim, SITE, VICTIM, 20);

      const tally: Tally = { attempts: 0, refused: 0, breached: 0, kinds: {} };
      const marks: string[] = [];
      const a = attacks(broker, tcp, ws, other);
      for (let r = 0; r < rounds; r++) {
        for (const [kind, attempt] of Object.entries(a)) {
          tally.attempts++;
          const mark = `00000000-0000-4000-8000-${String(r).padStart(6, '0')}${String(tally.attempts).padStart(6, '0')}`;
          const out = await attempt(mark);
          if (typeof out === 'string') marks.push(out);
          else if (out) tally.refused++;
          else {
            tally.breached++;
            tally.kinds[kind] = 'BREACHED';
          }
        }
      }
      ctx.log(`attacks done: ${tally.attempts} attempts`);
      flow.markAfter();
      await sleep(500);
      await flow.stop();

      const victimTopic = `${VICTIM_ROOT}/parking/lot`;
      await waitFor(
        () => countFlow(flow, seen, victimTopic).stored >= flow.acked.size,
        10_000,
        'valid traffic',
      ).catch(() => {});
      // A forged message is breached if a subscriber saw it or the victim was handed the command.
      const leaked = marks.filter(
        (mark) =>
          seen.some((m) => m.payload.includes(mark)) || commands.some((m) => m.payload.includes(mark)),
      );
      tally.refused += marks.length - leaked.length;
      tally.breached += leaked.length;
      const c = countFlow(flow, seen, victimTopic);
      return {
        sent: c.sent,
        acknowledged: c.acknowledged,
        stored: c.stored,
        lost: c.lost,
        duplicated: c.duplicated,
        refused: tally.refused,
        breached: tally.breached,
        stalls: [
          ...flowStalls(c),
          ...(victim.connected ? [] : ['the valid device was disconnected by the attacks']),
        ],
        notes: [
          `${tally.attempts} attempts in ${rounds} rounds of ${Object.keys(a).join(', ')}`,
          `refused ${tally.refused}, breached ${tally.breached}${leaked.length ? ` (forged messages delivered: ${leaked.length})` : ''}${Object.keys(tally.kinds).length ? ` (attacks that got in: ${Object.keys(tally.kinds).join(', ')})` : ''}`,
          `valid stored ${c.stored}/${c.sent} (after the attacks ${c.storedAfter}/${c.sentAfter}); broker counters: ${counterSummary(broker, /^(auth|acl|mqtt)\./)}`,
        ],
      };
    } finally {
      for (const c of clients) c.end(true);
      await broker.close();
    }
  },
};
