/** Hardware-in-the-loop: the microsimulator against a running edge agent. See docs/hil.md. */
export { type AgentLink, connectAgentLink, type ReportedHeads } from './agent-link.ts';
export { type AgentPlant, type AgentPlantOptions, agentPlant, type LampFault } from './agent-plant.ts';
export { startLocalBroker } from '../infra/local-broker.ts';
export { forHil, hilEdgeConfigText, type WiringOptions } from './edge-config.ts';
export { checkReportedHeads, type HeadsCheck, type PhaseFigures, phaseFigures } from './figures.ts';
export { formatHilResult } from './format.ts';
export { decodeHead, type GreenConflict, greenConflicts, type HeadLines, type HeadWiring } from './lamps.ts';
export { type ReferenceOptions, runInProcessReference } from './reference.ts';
export { type HilError, type HilOptions, type HilResult, runMicrosimAgainstAgent } from './run.ts';
export { VirtualClock } from './virtual-clock.ts';
