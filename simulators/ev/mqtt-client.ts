/** mqtt.js clients for the EV simulator: MQTT 3.1.1, clean sessions, unique client ids. */
import mqtt, { type MqttClient } from 'mqtt';

/**
 * Connects and resolves once CONNACK arrived. Clean sessions: nothing is queued for us before we
 * subscribe, so handlers attached before `subscribe` see every message. A random suffix keeps two
 * runs on one broker from taking over each other's session ([MQTT-3.1.4-2]).
 */
export async function connectClient(url: string, role: string): Promise<MqttClient> {
  const suffix = globalThis.crypto.randomUUID().slice(0, 8);
  // protocolVersion 4 = MQTT 3.1.1, the only version aedes 1.x accepts.
  const client = mqtt.connect(url, { protocolVersion: 4, clientId: `${role}-${suffix}`, clean: true });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
  } catch (e) {
    client.end(true);
    throw e;
  }
  return client;
}
