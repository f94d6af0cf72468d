/**
 * Controller heads → SUMO red-yellow-green state string, one character per TLS link index
 * [SUMO docs: Simulation/Traffic_Lights#signal_state_definitions]: G priority green, g green
 * that must yield, y yellow, r red, o off (blinking), O off (no signal).
 */

/** SUMO state character for a head state. Unknown or dark heads fail safe to red. */
export function sumoChar(head: string | undefined): string {
  switch (head) {
    case 'green':
    case 'greenArrow':
      return 'G';
    // A flashing yellow arrow is a permissive turn: go, but yield to the opposing through.
    case 'flashingYellowArrow':
    case 'flashingYellow':
      return 'g';
    case 'yellow':
    case 'yellowArrow':
      return 'y';
    default:
      return 'r';
  }
}

/**
 * Builds the state string. Links no signal group drives stay red: a gap in the mapping must
 * never show green.
 */
export function headsToState(
  heads: Readonly<Record<string, string>>,
  signalGroups: Readonly<Record<string, readonly number[]>>,
  linkCount: number,
): string {
  const chars = Array.from({ length: linkCount }, () => 'r');
  for (const [group, links] of Object.entries(signalGroups)) {
    const c = sumoChar(heads[group]);
    for (const l of links) if (l < linkCount) chars[l] = c;
  }
  return chars.join('');
}
