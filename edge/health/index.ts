/** Health telemetry of the edge box. */
export * from './snapshot.ts';
export * from './system.ts';
