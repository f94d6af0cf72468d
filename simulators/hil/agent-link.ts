/**
 * The harness's MQTT side of the agent: sends contract commands (`…/cmd/{command}`) and waits for
 * their `…/response`, and records what the agent publishes about its heads and cycles, so HIL
 * runs compare the reported heads against the lamps on the GPIO outputs.
 */
import mqtt from 'mqtt';
import {
  type CommandArgs,
  type CommandName,
  type Data,
  decodeMessage,
  ROOT,
  topicFor,
} from '../../core/contract/index.ts';

export interface ReportedHeads {
  /** Agent wall-clock epoch ms of the change. */
  ts: number;
  groups: Data<'signalHeads'>['groups'];
}

export interface CommandOutcome {
  status: 'ok' | 'error' | 'timeout';
  code?: string;
}

export interface AgentLink {
  send<C extends CommandName>(name: C, args: CommandArgs<C>): Promise<CommandOutcome>;
  heads(): readonly ReportedHeads[];
  cycles(): readonly Data<'cycle'>[];
  close(): Promise<void>;
}

const COMMAND_TIMEOUT_MS = 5_000;

export async function connectAgentLink(
  url: string,
  site: string,
  device: string,
  auth?: { username: string; password: string },
): Promise<AgentLink> {
  const client = mqtt.connect(url, {
    protocolVersion: 4,
    clientId: `hil-${site}-${device}-${process.pid}`,
    ...(auth ?? {}),
  });
  const waiting = new Map<string, (o: CommandOutcome) => void>();
  const heads: ReportedHeads[] = [];
  const cycles: Data<'cycle'>[] = [];
  // Attached before connecting: queued messages arrive with CONNACK (FIELD-NOTES).
  client.on('message', (topic, payload) => {
    const m = decodeMessage(topic, payload);
    if (!m.ok) return;
    const { value } = m;
    if (value.kind === 'commandResponse') {
      const r = value.payload as { transaction: string; status: 'ok' | 'error'; error?: { code: string } };
      waiting.get(r.transaction)?.({ status: r.status, ...(r.error ? { code: r.error.code } : {}) });
      waiting.delete(r.transaction);
    } else if (value.kind === 'signalHeads') {
      const p = value.payload as { ts: number; data: Data<'signalHeads'> };
      heads.push({ ts: p.ts, groups: p.data.groups });
    } else if (value.kind === 'cycle') {
      cycles.push((value.payload as { data: Data<'cycle'> }).data);
    }
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  const dev = `${ROOT}/${site}/${device}`;
  await client.subscribeAsync([`${dev}/cmd/+/response`, `${dev}/signals/+/heads`, `${dev}/signals/+/cycle`], {
    qos: 1,
  });
  let tx = 0;
  return {
    async send(name, args) {
      const transaction = `hil-${++tx}`;
      const outcome = new Promise<CommandOutcome>((resolve) => {
        waiting.set(transaction, resolve);
        setTimeout(() => {
          if (waiting.delete(transaction)) resolve({ status: 'timeout' });
        }, COMMAND_TIMEOUT_MS).unref();
      });
      const topic = topicFor('command', { site, device, command: name });
      await client.publishAsync(topic, JSON.stringify({ transaction, args }), { qos: 1 });
      return outcome;
    },
    heads: () => heads,
    cycles: () => cycles,
    close: async () => {
      await client.endAsync(true);
    },
  };
}
