import { describe, expect, it } from 'vitest';
import { loadIntersectionConfig } from '../../controllers/signals/index.ts';
import { runAgainstAgent } from './agent-mode.ts';
import { parseDemand } from './run.ts';

const configPath = new URL(
  '../../controllers/signals/examples/four-leg-permissive-peds.yaml',
  import.meta.url,
).pathname;

describe('sim intersection --agent', () => {
  it('drives a real agent and reports its lamps, MQTT heads and the in-process reference', async () => {
    const config = await loadIntersectionConfig(configPath);
    const demand = parseDemand('offpeak');
    if (!config.ok || !demand.ok) throw new Error('fixtures');
    const report = await runAgainstAgent({
      configPath,
      config: config.value,
      demand: demand.value,
      durationS: 180,
      seed: 3,
    });
    expect(report).toMatch(/conflicting greens 0/);
    expect(report).toMatch(/lamp faults 0/);
    expect(report).toMatch(/mismatched 0/);
    expect(report).toMatch(/0 left in the network/);
    expect(report).toMatch(/in-process controller: delay mean/);
  }, 120_000);
});
