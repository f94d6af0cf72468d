/** Report lines for the MQTT transport: one EV's commands and the message counts. */
import type { CommandRecord } from './dispatcher.ts';
import type { MqttPriorityStats } from './mqtt-run.ts';
import { SIM_EPOCH_MS } from './mqtt-run.ts';

export function formatCommand(c: CommandRecord): string {
  const t = (c.atTs - SIM_EPOCH_MS) / 1000;
  const eta = 'etaTs' in c.args ? ` eta t=${((c.args.etaTs - SIM_EPOCH_MS) / 1000).toFixed(1)}s` : '';
  const status = c.code ? `${c.status} ${c.code}` : c.status;
  return `t=${t}s ${c.command.padEnd(16)} ${c.args.intersection}${eta} -> ${status}`;
}

export function formatMqttCounts(m: MqttPriorityStats): string[] {
  const rejected = Object.values(m.endpoints).reduce((n, e) => n + e.rejected + e.failed, 0);
  return [
    `MQTT: ${m.positionsPublished} positions published (${m.positions} received), ${m.requests} requests, ${m.cancels} cancels; responses ${m.responsesOk} ok, ${m.responsesError} error; ${m.timeouts} timeouts; ${m.settleTimeouts} slow steps; ${rejected} commands refused by endpoints`,
  ];
}

export function mqttCommandsOf(m: MqttPriorityStats, vehicleId: string): string[] {
  return m.log.filter((c) => c.args.vehicleId === vehicleId).map(formatCommand);
}
