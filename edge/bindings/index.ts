/**
 * Public API of the edge hardware bindings: the implementations of the ports in core/ports (GPIO
 * on onoff/sysfs, serial on serialport, HTTP and folder cameras). The port types and the shared
 * fakes are imported from core/ports itself. Controllers never import this; the agent wires it.
 */
export * from './camera/memory.ts';
export * from './gpio/digital.ts';
export * from './serial/bus.ts';
export * from './serial/link.ts';
export * from './serial/mock-gateway.ts';
export * from './gpio/onoff-backend.ts';
export * from './gpio/sysfs.ts';
export * from './gpio/watchdog.ts';
export * from './camera/folder.ts';
export * from './camera/http.ts';
export * from './camera/status.ts';
export * from './camera/trigger.ts';
export * from './gpio/pins.ts';
export * from './listeners.ts';
