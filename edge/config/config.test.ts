// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config syntax under test
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEdgeConfig, parseEdgeConfig, readTlsFiles } from './load.ts';

const examples = resolve(import.meta.dirname, '../examples');
const base = `
site: campus
device: gw-1
mqtt: { url: "mqtt://127.0.0.1:1883" }
parking: { lot: lot.yaml, registry: reg.yaml }
`;
const parse = (text: string, env: Record<string, string> = {}) => parseEdgeConfig(text, env, '/etc/cityedge');
const errorOf = (text: string, env: Record<string, string> = {}) => {
  const r = parse(text, env);
  if (r.ok) throw new Error('expected an error');
  return r.error;
};

const tmp = mkdtempSync(join(tmpdir(), 'cityedge-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('edge config', () => {
  it('applies defaults and resolves paths against the config folder', () => {
    const r = parse(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = r.value.config;
    expect(c.hardware.profile).toBe('pi');
    expect(c.mqtt).toMatchObject({ keepaliveS: 30, reconnectPeriodMs: 2000 });
    expect(c.queue).toMatchObject({ path: '/var/lib/cityedge/outbox.db', maxMb: 256 });
    expect(c.parking?.lot).toBe('/etc/cityedge/lot.yaml');
    expect(c.health.intervalS).toBe(60);
  });

  it('rejects unknown keys, naming them and where they are', () => {
    const e = errorOf(`${base}\nmqtt_extra: 1\n`);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/mqtt_extra/);
    const nested = errorOf(base.replace('url:', 'keepAlive: 10, url:'));
    expect(nested.message).toMatch(/mqtt: .*keepAlive/);
  });

  it('names the field of a wrong value', () => {
    expect(errorOf(base.replace('mqtt://127.0.0.1:1883', 'http://x')).message).toMatch(
      /mqtt\.url: must be mqtt/,
    );
    expect(errorOf(base.replace('gw-1', 'GW 1')).message).toMatch(/^ {2}device:/m);
    expect(errorOf(`${base}queue: { maxMb: -1 }\n`).message).toMatch(/queue\.maxMb/);
    expect(errorOf(`${base}hardware: { profile: arduino }\n`).message).toMatch(/hardware\.profile/);
    expect(errorOf(base.replace(/parking:.*\n/, '')).message).toMatch(/parking: configure at least one/);
    const both = errorOf(base.replace('url:', 'password: a, passwordEnv: B, url:'));
    expect(both.message).toMatch(/mqtt\.passwordEnv: give either/);
    const halfCert = errorOf(base.replace('url:', 'tls: { cert: c.pem }, url:'));
    expect(halfCert.message).toMatch(/mqtt\.tls: client certificate needs both/);
  });

  it('reports bad YAML with its own code', () => {
    expect(errorOf('site: [unclosed').code).toBe('CONFIG_BAD_YAML');
  });

  it('takes secrets from the environment by ${VAR} or passwordEnv', () => {
    const text = base.replace('url:', 'username: gw, password: "${MQTT_PW}", url:');
    const r = parse(text, { MQTT_PW: 's3cret' });
    expect(r.ok && r.value.password).toBe('s3cret');
    expect(r.ok && r.value.config.mqtt.password).toBe('s3cret');
    const missing = errorOf(text);
    expect(missing.code).toBe('CONFIG_MISSING_ENV');
    expect(missing.message).toMatch(/mqtt\.password: environment variable MQTT_PW is not set/);

    const byName = base.replace('url:', 'passwordEnv: CITYEDGE_MQTT_PASSWORD, url:');
    const r2 = parse(byName, { CITYEDGE_MQTT_PASSWORD: 'from-env' });
    expect(r2.ok && r2.value.password).toBe('from-env');
    expect(errorOf(byName).message).toMatch(/mqtt\.passwordEnv: environment variable CITYEDGE_MQTT_PASSWORD/);
  });

  it('uses ${VAR:-default} when the variable is unset', () => {
    const r = parse(`${base}queue: { path: "\${STATE:-/tmp/ce}/q.db" }\n`);
    expect(r.ok && r.value.config.queue.path).toBe('/tmp/ce/q.db');
    const r2 = parse(`${base}queue: { path: "\${STATE:-/tmp/ce}/q.db" }\n`, { STATE: '/data' });
    expect(r2.ok && r2.value.config.queue.path).toBe('/data/q.db');
  });

  it('reports a missing TLS file by its field', () => {
    const r = parse(base.replace('url:', 'tls: { ca: nowhere/ca.crt }, url:'));
    if (!r.ok) throw r.error;
    const tls = readTlsFiles(r.value.config);
    expect(!tls.ok && tls.error.message).toMatch(/^mqtt\.tls\.ca: ENOENT/);
  });

  it('loads the shipped examples', () => {
    const env = { CITYEDGE_MQTT_PASSWORD: 'x' };
    for (const name of ['campus-parking.yaml', 'intersection.yaml', 'combined.yaml', 'ped-counter.yaml']) {
      const r = loadEdgeConfig(join(examples, name), env);
      if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
    }
    const combined = loadEdgeConfig(join(examples, 'combined.yaml'), env);
    expect(combined.ok && combined.value.config.hardware.profile).toBe('simulated');
    expect(combined.ok && combined.value.config.signals).toHaveLength(1);
    const ped = loadEdgeConfig(join(examples, 'ped-counter.yaml'), env);
    expect(ped.ok && ped.value.config.pedButtons.map((b) => [b.crossing, b.lockoutMs, b.periodS])).toEqual([
      ['elm-school-n', 2000, 900],
      ['elm-school-s', 5000, 900],
    ]);
  });

  it('reports an unreadable file', () => {
    const r = loadEdgeConfig(join(tmp, 'absent.yaml'));
    expect(!r.ok && r.error.code).toBe('CONFIG_UNREADABLE');
    writeFileSync(join(tmp, 'ok.yaml'), base);
    const ok = loadEdgeConfig(join(tmp, 'ok.yaml'));
    expect(ok.ok && ok.value.config.parking?.lot).toBe(join(tmp, 'lot.yaml'));
  });
});
