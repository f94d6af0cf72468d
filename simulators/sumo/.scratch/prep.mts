import { prepareScenario } from '../scenarios/prepare.ts';
import { junctionDemand } from '../scenarios/demand.ts';
const sc = await prepareScenario({
  network: 'junction',
  tls: 'static',
  demand: junctionDemand('offpeak', 300),
  dir: '/tmp/tmp.mbttC3LEJp',
});
console.log(sc.sumocfg);
