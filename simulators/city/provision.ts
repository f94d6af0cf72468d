/** Registers the simulated devices through the broker's HTTP API (409 = already there). */
import type { VirtualDevice } from './devices.ts';

export async function provision(
  api: string,
  admin: { username: string; password: string },
  devices: VirtualDevice[],
  password: string,
): Promise<{ token: string }> {
  const login = await fetch(`${api}/api/login`, { method: 'POST', body: JSON.stringify(admin) });
  if (!login.ok) throw new Error(`login to ${api} failed: ${login.status}`);
  const { token } = (await login.json()) as { token: string };
  for (const d of devices) {
    const r = await fetch(`${api}/api/devices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ site: d.site, device: d.device, kind: d.kind, password }),
    });
    if (!r.ok && r.status !== 409) throw new Error(`provision ${d.site}.${d.device}: ${r.status}`);
  }
  return { token };
}
