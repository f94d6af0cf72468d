/**
 * Live city state over MQTT-over-WebSocket: one subscription to the whole v1 tree, every
 * message checked against the contract by the reducer. Retained state topics give the present
 * at once on (re)connect, so a reload never shows an empty city.
 */
import mqtt from 'mqtt';
import { ROOT } from '../../core/contract/index.ts';
import { applyMessage, type CityState, emptyCity } from './state.ts';

export interface LiveConnection {
  /** Applies a change to the live state (e.g. history seeded at start) and re-renders. */
  update(change: (state: CityState) => CityState): void;
  close(): void;
}

export function connectLive(
  opts: { url: string; username: string; token: string },
  onState: (state: CityState, connected: boolean) => void,
): LiveConnection {
  let state = emptyCity();
  let connected = false;
  let pending = false;
  // Coalesce bursts (a reconnect replays every retained bay) into one render per frame.
  const publish = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      onState(state, connected);
    });
  };
  const client = mqtt.connect(opts.url, {
    username: opts.username,
    password: opts.token,
    protocolVersion: 4, // aedes 1.x speaks MQTT 3.1.1 only
    reconnectPeriod: 2000,
    clientId: `dashboard-${Math.random().toString(16).slice(2, 10)}`,
  });
  client.on('message', (topic, payload) => {
    state = applyMessage(state, topic, payload);
    publish();
  });
  client.on('connect', () => {
    connected = true;
    client.subscribe(`${ROOT}/#`, { qos: 0 });
    publish();
  });
  client.on('close', () => {
    connected = false;
    publish();
  });
  client.on('error', () => undefined); // reconnect handles it; the banner shows `connected`
  return {
    update: (change) => {
      state = change(state);
      publish();
    },
    close: () => client.end(true),
  };
}
