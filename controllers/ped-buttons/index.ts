/** Pedestrian push-button counting (pure): presses → per-period presses and calls. */
export {
  createPedButtonCounter,
  type PedButtonConfig,
  type PedButtonCounter,
  pedButtonMachine,
  type PressCounts,
} from './counter.ts';
