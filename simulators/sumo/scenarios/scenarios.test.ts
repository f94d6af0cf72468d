import { describe, expect, it } from 'vitest';
import { corridorDemand, junctionDemand, routesXml } from './demand.ts';
import { controlledLanes, detectorsXml } from './detectors.ts';

describe('demand', () => {
  it('splits each approach into right/through/left flows with the per-second probability', () => {
    const d = junctionDemand('offpeak', 600);
    const fromW = d.flows.filter((f) => f.from === 'W_in');
    expect(fromW.map((f) => f.to)).toEqual(['C_S', 'C_E', 'C_N']);
    expect(fromW.reduce((s, f) => s + f.vehPerHour, 0)).toBeCloseTo(250);
    const xml = routesXml(d);
    expect(xml).toContain('from="W_in" to="C_E" probability="0.04861"'); // 175 veh/h / 3600
    expect(d.emergency).toEqual([]);
  });

  it('spreads emergency vehicles over approaches and uses named routes when given', () => {
    const d = junctionDemand('emergency', 1800);
    expect(d.emergency).toHaveLength(7);
    expect(new Set(d.emergency.map((e) => e.from))).toEqual(new Set(['W_in', 'N_in', 'E_in', 'S_in']));
    const c = corridorDemand(600);
    const xml = routesXml({
      ...c,
      emergency: [
        { id: 'x', departS: 5, from: 'W_J1', to: 'J3_E', route: { id: 'r', edges: ['W_J1', 'J1_J2'] } },
      ],
    });
    expect(xml).toContain('<route id="r" edges="W_J1 J1_J2"/>');
    expect(xml).toContain('<vehicle id="x" type="ev" route="r" depart="5.00"');
    expect(xml.indexOf('<route id="r"')).toBeLessThan(xml.indexOf('<vehicle id="x"'));
  });
});

describe('detectors', () => {
  const net = `<net>
    <edge id="W_P"><lane id="W_P_0" index="0" speed="13.89" length="62.40" shape="0,0 1,1"/></edge>
    <edge id="W_in"><lane id="W_in_0" index="0" speed="13.89" length="20.00" shape="0,0 1,1"/></edge>
    <connection from="W_P" to="C_E" fromLane="0" toLane="0" via=":C_13_0" tl="C" linkIndex="13" dir="s" state="o"/>
    <connection from="W_P" to="C_S" fromLane="0" toLane="0" via=":C_12_0" tl="C" linkIndex="12" dir="r" state="o"/>
    <connection from="W_in" to="W_P" fromLane="0" toLane="0" dir="s" state="M"/>
  </net>`;
  it('finds each TLS-controlled lane once with its length', () => {
    expect(controlledLanes(net)).toEqual([{ tls: 'C', laneId: 'W_P_0', lengthM: 62.4 }]);
  });
  it('places a 30 m stop-bar zone and an advance loop 55 m upstream', () => {
    const xml = detectorsXml([{ tls: 'C', laneId: 'W_P_0', lengthM: 62.4 }]);
    expect(xml).toContain('<laneAreaDetector id="e2_W_P_0" lane="W_P_0" pos="32.30" endPos="62.30"');
    expect(xml).toContain('<inductionLoop id="adv_W_P_0" lane="W_P_0" pos="7.40"');
  });
});
