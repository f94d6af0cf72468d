/** The one MQTT contract shared by edge, broker, dashboard and simulators. */
export * from './commands.ts';
export * from './measurements.ts';
export * from './message.ts';
export * as payloads from './payloads.ts';
export * from './topics.ts';
export * from './plan.ts';
