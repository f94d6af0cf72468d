/**
 * Device health: one row per device with what the agent's health report carries (core/contract
 * `health`) and its MQTT availability. A report older than a few report intervals is greyed and
 * says its age: an operator must never read a dead device's last numbers as the present.
 */
import { DEFAULT_HEALTH_INTERVAL_S, HOT_CPU_C, healthAge } from '../alarms.ts';
import type { CityState, DeviceState } from '../state.ts';
import { age, useNow } from './hooks.ts';

const num = (x: number | null | undefined, digits = 0) =>
  x === null || x === undefined ? '–' : x.toFixed(digits);

export function DeviceHealthView({ city }: { city: CityState }) {
  const now = useNow();
  const devices = Object.values(city.devices).sort(
    (a, b) =>
      Number(a.online !== false) - Number(b.online !== false) ||
      `${a.site}/${a.device}`.localeCompare(`${b.site}/${b.device}`),
  );
  return (
    <section>
      <h2>Device health</h2>
      <p class="muted">
        Reports older than 3 intervals (default {DEFAULT_HEALTH_INTERVAL_S} s) are greyed with their age.
      </p>
      <table class="health" data-testid="health">
        <thead>
          <tr>
            <th>device</th>
            <th>link</th>
            <th>last seen</th>
            <th>report age</th>
            <th>queue</th>
            <th>CPU °C</th>
            <th>memory MB</th>
            <th>agent RSS MB</th>
            <th>disk free MB</th>
            <th>load</th>
            <th>uptime</th>
            <th>serial</th>
            <th>cameras</th>
            <th>version</th>
          </tr>
        </thead>
        <tbody>
          {devices.length === 0 && (
            <tr>
              <td colSpan={14} class="muted">
                No device has reported yet.
              </td>
            </tr>
          )}
          {devices.map((d) => (
            <HealthRow key={`${d.site}/${d.device}`} d={d} now={now} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function HealthRow({ d, now }: { d: DeviceState; now: number }) {
  const h = d.health;
  const a = healthAge(d, now);
  const cls = `${a?.stale ? 'stale' : ''}${d.online === false ? ' offline' : ''}`;
  const link = d.online === null ? 'unknown' : d.online ? 'online' : 'offline';
  return (
    <tr class={cls} data-testid={`health-${d.site}-${d.device}`} data-stale={a?.stale ? 'yes' : 'no'}>
      <td>
        {d.site}/{d.device}
      </td>
      <td class={d.online === false ? 'warnval' : ''}>{link}</td>
      <td>{d.lastSeen ? `${age(now - d.lastSeen)} ago` : '–'}</td>
      <td class="ageflag" data-testid="age">
        {a ? `${age(a.ageMs)}${a.stale ? ' (stale)' : ''}` : 'no report yet'}
      </td>
      <td class="num">
        {h ? h.queueDepth : '–'}
        {h && h.queueDropped > 0 && <span class="warnval"> ({h.queueDropped} dropped)</span>}
      </td>
      <td class={`num${h?.cpuTempC != null && h.cpuTempC >= HOT_CPU_C ? ' warnval' : ''}`}>
        {num(h?.cpuTempC)}
      </td>
      <td class="num">{h ? `${num(h.memUsedMb)} / ${num(h.memTotalMb)}` : '–'}</td>
      <td class="num">{num(h?.rssMb)}</td>
      <td class="num">{num(h?.diskFreeMb)}</td>
      <td class="num">{num(h?.load1, 2)}</td>
      <td>{h ? age(h.uptimeS * 1000) : '–'}</td>
      <td class={h?.serial?.state === 'down' ? 'warnval' : ''}>
        {h?.serial
          ? `${h.serial.state} · ${h.serial.reconnects} reconnects · ${h.serial.badFrames} bad frames`
          : '–'}
      </td>
      <td
        title={
          h
            ? Object.entries(h.cameras)
                .map(([c, s]) => `${c}: ${s}`)
                .join('\n')
            : ''
        }
      >
        {h ? cameraSummary(h.cameras) : '–'}
      </td>
      <td>{d.version ?? '–'}</td>
    </tr>
  );
}

/** "2 ok, 1 error": a row stays one line however many cameras a site has (names in the tooltip). */
function cameraSummary(cameras: Record<string, string>): string {
  const counts = new Map<string, number>();
  for (const s of Object.values(cameras)) counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts.size === 0 ? '–' : [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
}
