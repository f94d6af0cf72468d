/** Who is behind an MQTT connection or an HTTP request, decided once at authentication. */
export type Role = 'viewer' | 'operator' | 'admin';
export const roles: readonly Role[] = ['viewer', 'operator', 'admin'];

export type Identity =
  | { type: 'device'; site: string; device: string; via: 'password' | 'certificate' }
  | { type: 'user'; username: string; role: Role };

export const roleAtLeast = (have: Role, need: Role) => roles.indexOf(have) >= roles.indexOf(need);

export function describe(identity: Identity | undefined): string {
  if (!identity) return 'anonymous';
  return identity.type === 'device'
    ? `device ${identity.site}.${identity.device}`
    : `user ${identity.username}`;
}
