/** Public API of the edge hardware bindings. Controllers never import this; the agent wires it. */
export * from './camera/memory.ts';
export * from './camera/types.ts';
export * from './clock.ts';
export * from './errors.ts';
export * from './gpio/digital.ts';
export * from './gpio/simulated.ts';
export * from './gpio/types.ts';
export * from './serial/crc16.ts';
export * from './serial/protocol.ts';
export * from './serial/bus.ts';
export * from './serial/link.ts';
export * from './serial/mock-gateway.ts';
export * from './gpio/onoff-backend.ts';
export * from './gpio/sysfs.ts';
export * from './gpio/watchdog.ts';
