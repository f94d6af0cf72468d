/**
 * What one signal head (load-switch channel) can show: the controller, the edge lamp driver, the
 * microsimulator and the dashboard share this one list. Ped heads use walk / flashingDontWalk /
 * dontWalk. The actuated controller never drives `yellowArrow` / `redArrow` (its protected turns
 * use greenArrow and flashingYellowArrow); fixed-time plants and other controllers may.
 */
export type HeadState =
  | 'red'
  | 'yellow'
  | 'green'
  | 'greenArrow'
  | 'yellowArrow'
  | 'redArrow'
  | 'flashingYellowArrow'
  | 'flashingYellow'
  | 'flashingRed'
  | 'walk'
  | 'flashingDontWalk'
  | 'dontWalk'
  | 'dark';
