/** Public surface of the TypeScript TraCI client. */
export { TraciClient, type TraciVersion } from './client.ts';
export { TraciError, isTraciError, type TraciErrorCode } from './errors.ts';
export { VAR } from './constants.ts';
export type { ControlledLink, VehicleData } from './domains.ts';
export type { Position, TraciValue } from './codec.ts';
export { SubscriptionResults, type SubscriptionDomain } from './subscriptions.ts';
