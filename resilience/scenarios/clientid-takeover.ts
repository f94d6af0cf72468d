/**
 * Issue 16, hole 4: another device's credential, or a viewer over WebSocket, connecting with the
 * agent's client id kicked the real agent off (25 swaps in 10 s) and received its commands. Here,
 * while the agent publishes valid traffic and answers operator commands sent through the API,
 * other identities connect with its client id (and with ids in its namespace, and with a client
 * id another user holds). Every attempt must be refused at CONNACK, the agent and the holder must
 * stay connected, and every command must reach the agent exactly once.
 */
import type { MqttClient } from 'mqtt';
import { collect, connackCode, connectMqtt, startTestBroker, type TestBroker } from '../../broker/testing.ts';
import { waitFor } from '../../testing/servers.ts';
import { sleep } from '../lib/storage.ts';
import { countFlow, counterSummary, flowStalls, startValidFlow } from '../lib/valid-flow.ts';
import type { Scenario } from '../scenario.ts';

const SITE = 'res';
const AGENT = 'gw-1';
const AGENT_ID = `${SITE}.${AGENT}`;
/** A client id a dashboard user holds (outside every device's namespace). */
const HELD_ID = 'dashboard-res-1';

interface Creds {
  username: string;
  password: string;
}

/** Each attempt resolves with the CONNACK code (0 = accepted, a takeover). */
function attempts(tcp: string, ws: string, other: Creds, viewer: Creds, operator: Creds) {
  return {
    'other-device': () => connackCode(tcp, { ...other, clientId: AGENT_ID }),
    'other-device-namespace': () => connackCode(tcp, { ...other, clientId: `${AGENT_ID}.spare` }),
    'viewer-ws': () => connackCode(ws, { ...viewer, clientId: AGENT_ID }),
    'operator-ws': () => connackCode(ws, { ...operator, clientId: AGENT_ID }),
    'viewer-held-id': () => connackCode(ws, { ...viewer, clientId: HELD_ID }),
  };
}

/** The agent: answers every command on its topic, as the edge agent does. */
function answerCommands(agent: MqttClient): string[] {
  const transactions: string[] = [];
  agent.on('message', (topic, payload) => {
    if (!topic.includes('/cmd/') || topic.endsWith('/response')) return;
    const { transaction } = JSON.parse(payload.toString()) as { transaction: string };
    transactions.push(transaction);
    agent.publish(`${topic}/response`, JSON.stringify({ status: 'ok', transaction }), { qos: 1 });
  });
  return transactions;
}

async function users(b: TestBroker): Promise<{ viewer: Creds; operator: Creds; holder: Creds }> {
  const token = async (name: string, role: 'viewer' | 'operator') => ({
    username: name,
    password: await b.login(name, await b.addUser(name, role)),
  });
  return {
    viewer: await token('vera', 'viewer'),
    operator: await token('otto', 'operator'),
    holder: await token('hank', 'viewer'),
  };
}

export const scenario: Scenario = {
  name: 'clientid-takeover',
  what: "another device's credential, a viewer and an operator over WebSocket connect with the agent's client id (and a user's held id) while the agent publishes and answers commands",
  ci: true,
  async run(ctx) {
    const rounds = ctx.quick ? 5 : 25;
    const broker = await startTestBroker();
    const clients: MqttClient[] = [];
    try {
      const tcp = `mqtt://127.0.0.1:${broker.mqttPort}`;
      const ws = `ws://127.0.0.1:${broker.httpPort}/mqtt`;
      const agentCreds = await broker.addDevice(SITE, AGENT);
      const other = await broker.addDevice(SITE, 'gw-2');
      const { viewer, operator, holder } = await users(broker);
      const watcher = await connectMqtt(ws, { ...holder, clientId: `${HELD_ID}-watch` });
      const held = await connectMqtt(ws, { ...holder, clientId: HELD_ID });
      clients.push(watcher, held);
      const seen = collect(watcher);
      await watcher.subscribeAsync(`cityedge/v1/${SITE}/${AGENT}/#`, { qos: 1 });
      const agent = await connectMqtt(tcp, { ...agentCreds, clientId: AGENT_ID });
      clients.push(agent);
      let agentCloses = 0;
      let heldCloses = 0;
      agent.on('close', () => agentCloses++);
      held.on('close', () => heldCloses++);
      const received = answerCommands(agent);
      await agent.subscribeAsync(`cityedge/v1/${SITE}/${AGENT}/cmd/+`, { qos: 1 });
      const flow = startValidFlow(agent, SITE, AGENT, 20);

      const a = attempts(tcp, ws, other, viewer, operator);
      let refused = 0;
      let accepted = 0;
      const codes: Record<string, number> = {};
      const commands: { transaction?: string; status: number; answered: boolean }[] = [];
      for (let r = 0; r < rounds; r++) {
        // A command in flight while the round's attempts run: a takeover would make it time out.
        const command = broker
          .api('/api/commands', {
            token: operator.password,
            body: {
              site: SITE,
              device: AGENT,
              command: 'gate.open',
              args: { lane: 'entry-1', reason: `round ${r}` },
              timeoutMs: 3000,
            },
          })
          .then((res) => {
            const body = res.body as { transaction?: string; response?: unknown };
            commands.push({
              transaction: body.transaction,
              status: res.status,
              answered: Boolean(body.response),
            });
          });
        const outcomes = await Promise.all(Object.values(a).map((f) => f()));
        for (const code of outcomes) {
          codes[code] = (codes[code] ?? 0) + 1;
          if (code === 0) accepted++;
          else refused++;
        }
        await command;
      }
      ctx.log(`attempts done: ${refused + accepted} in ${rounds} rounds`);
      flow.markAfter();
      await sleep(500);
      await flow.stop();
      const topic = `cityedge/v1/${SITE}/${AGENT}/parking/lot`;
      await waitFor(() => countFlow(flow, seen, topic).stored >= flow.acked.size, 5000, 'delivered').catch(
        () => {},
      );
      const tel = countFlow(flow, seen, topic);
      const cmdAcked = commands.filter((c) => c.status === 200 && c.answered);
      const arrived = new Map<string, number>();
      for (const t of received) arrived.set(t, (arrived.get(t) ?? 0) + 1);
      const cmdStored = commands.filter((c) => c.transaction && arrived.has(c.transaction)).length;
      const cmdDup = [...arrived.values()].reduce((s, n) => s + n - 1, 0);
      const cmdLost = cmdAcked.filter((c) => !arrived.has(c.transaction!)).length;
      const timedOut = commands.length - cmdAcked.length;
      const stalls = [
        ...flowStalls(tel),
        ...(agentCloses || !agent.connected ? [`the agent was disconnected ${agentCloses} time(s)`] : []),
        ...(timedOut ? [`${timedOut} command(s) via the API not answered`] : []),
      ];
      return {
        sent: tel.sent + commands.length,
        acknowledged: tel.acknowledged + cmdAcked.length,
        stored: tel.stored + cmdStored,
        lost: tel.lost + cmdLost,
        duplicated: tel.duplicated + cmdDup,
        refused,
        // A takeover is an accepted CONNACK or a kicked session (the agent's or the holder's).
        breached: accepted + agentCloses + heldCloses,
        stalls,
        notes: [
          `${refused + accepted} attempts (${Object.keys(a).join(', ')}) × ${rounds}: CONNACK codes ${JSON.stringify(codes)}`,
          `agent stayed connected: ${agent.connected} (closes ${agentCloses}); holder of ${HELD_ID}: ${held.connected} (closes ${heldCloses})`,
          `telemetry stored ${tel.stored}/${tel.sent} (during ${tel.storedDuring}, after ${tel.storedAfter}/${tel.sentAfter}); commands answered ${cmdAcked.length}/${commands.length}, arrived ${cmdStored}`,
          `broker counters: ${counterSummary(broker, /^mqtt\.(refused|denied)/)}`,
        ],
      };
    } finally {
      for (const c of clients) c.end(true);
      await broker.close();
    }
  },
};
