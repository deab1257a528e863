import { ROLES, type Role } from '../domain/access/roles.ts';

export { may, ROLES as CONSOLE_ROLES, roleAtLeast } from '../domain/access/roles.ts';
/** The console's sign-in holds the same per-shop roles as the bearer tokens (roles.ts). */
export type ConsoleRole = Role;

export interface Membership {
  shopId: string;
  role: Role;
}

/** Cognito groups are named `shop:<shopId>:<role>`; any other group says nothing about shops. */
const GROUP = /^shop:([a-z0-9][a-z0-9-]{0,62}):(viewer|editor|publisher|admin)$/;

export const consoleGroupName = (shopId: string, role: Role): string => `shop:${shopId}:${role}`;

/** One membership per shop, the strongest role its groups give. */
export const membershipsOf = (groups: unknown): Membership[] => {
  const list = Array.isArray(groups)
    ? groups.filter((g): g is string => typeof g === 'string')
    : [];
  const strongest = new Map<string, Role>();
  for (const group of list) {
    const m = GROUP.exec(group);
    if (!m?.[1] || !m[2]) continue;
    const role = m[2] as Role;
    const held = strongest.get(m[1]);
    if (!held || ROLES.indexOf(role) > ROLES.indexOf(held)) strongest.set(m[1], role);
  }
  return [...strongest].map(([shopId, role]) => ({ shopId, role }));
};
