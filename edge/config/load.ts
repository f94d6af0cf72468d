/**
 * Loads the site YAML: `${VAR}` / `${VAR:-default}` interpolation from the environment (secrets
 * never sit in the file), strict schema validation with errors naming the field, and relative
 * paths resolved against the config file's folder.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CityEdgeError, err, ok, type Result } from '../../core/errors.ts';
import { type EdgeConfig, edgeConfigSchema } from './schema.ts';

export type Env = Record<string, string | undefined>;

/** The validated config plus what the agent needs to connect (secrets resolved, files read). */
export interface ResolvedConfig {
  config: EdgeConfig;
  /** Folder of the config file; domain config paths are already absolute. */
  baseDir: string;
  password?: string;
}

export function loadEdgeConfig(file: string, env: Env = process.env): Result<ResolvedConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return err(new CityEdgeError('CONFIG_UNREADABLE', `${file}: ${(e as Error).message}`));
  }
  return parseEdgeConfig(text, env, dirname(resolve(file)));
}

export function parseEdgeConfig(text: string, env: Env, baseDir: string): Result<ResolvedConfig> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    return err(new CityEdgeError('CONFIG_BAD_YAML', `config is not valid YAML: ${(e as Error).message}`));
  }
  const interpolated = interpolate(raw, env, []);
  if (!interpolated.ok) return interpolated;
  const parsed = edgeConfigSchema.safeParse(interpolated.value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return err(new CityEdgeError('CONFIG_INVALID', `invalid edge config:\n  ${issues.join('\n  ')}`, issues));
  }
  const config = withAbsolutePaths(parsed.data, baseDir);
  const { passwordEnv, password } = config.mqtt;
  if (passwordEnv !== undefined) {
    const value = env[passwordEnv];
    if (!value) {
      return err(
        new CityEdgeError(
          'CONFIG_MISSING_ENV',
          `mqtt.passwordEnv: environment variable ${passwordEnv} is not set`,
        ),
      );
    }
    return ok({ config, baseDir, password: value });
  }
  return ok({ config, baseDir, ...(password === undefined ? {} : { password }) });
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces `${VAR}` in every string; a missing variable without default is an error naming the field. */
function interpolate(value: unknown, env: Env, at: (string | number)[]): Result<unknown> {
  if (typeof value === 'string') {
    const missing: string[] = [];
    const out = value.replace(VAR, (_, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      missing.push(name);
      return '';
    });
    if (missing.length > 0) {
      return err(
        new CityEdgeError(
          'CONFIG_MISSING_ENV',
          `${at.join('.')}: environment variable ${missing.join(', ')} is not set`,
        ),
      );
    }
    return ok(out);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const [i, v] of value.entries()) {
      const r = interpolate(v, env, [...at, i]);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return ok(out);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = interpolate(v, env, [...at, k]);
      if (!r.ok) return r;
      out[k] = r.value;
    }
    return ok(out);
  }
  return ok(value);
}

function withAbsolutePaths(c: EdgeConfig, baseDir: string): EdgeConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const tls = c.mqtt.tls;
  return {
    ...c,
    mqtt: {
      ...c.mqtt,
      ...(tls
        ? {
            tls: {
              ...tls,
              ...(tls.ca ? { ca: abs(tls.ca) } : {}),
              ...(tls.cert ? { cert: abs(tls.cert) } : {}),
              ...(tls.key ? { key: abs(tls.key) } : {}),
            },
          }
        : {}),
    },
    queue: { ...c.queue, path: c.queue.path === ':memory:' ? c.queue.path : abs(c.queue.path) },
    ...(c.parking
      ? { parking: { ...c.parking, lot: abs(c.parking.lot), registry: abs(c.parking.registry) } }
      : {}),
    signals: c.signals.map((s) => ({ ...s, config: abs(s.config) })),
    hardware: {
      ...c.hardware,
      ...(c.hardware.serial ? { serial: { ...c.hardware.serial, path: abs(c.hardware.serial.path) } } : {}),
      cameras: Object.fromEntries(
        Object.entries(c.hardware.cameras).map(([id, s]) => [
          id,
          'folder' in s ? { folder: abs(s.folder) } : s,
        ]),
      ),
    },
  };
}

/** Reads the TLS files named in the config; a missing file is a CONFIG error naming the field. */
export function readTlsFiles(c: EdgeConfig): Result<{ ca?: Buffer; cert?: Buffer; key?: Buffer }> {
  const tls = c.mqtt.tls;
  const out: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {};
  if (!tls) return ok(out);
  for (const k of ['ca', 'cert', 'key'] as const) {
    const p = tls[k];
    if (!p) continue;
    try {
      out[k] = readFileSync(p);
    } catch (e) {
      return err(new CityEdgeError('CONFIG_UNREADABLE', `mqtt.tls.${k}: ${(e as Error).message}`));
    }
  }
  return ok(out);
}
