/** The per-shop roles of the templates issue, weakest first. */
export const CONSOLE_ROLES = ['viewer', 'editor', 'publisher', 'admin'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

export interface Membership {
  shopId: string;
  role: ConsoleRole;
}

/** Cognito groups are named `shop:<shopId>:<role>`; any other group says nothing about shops. */
const GROUP = /^shop:([a-z0-9][a-z0-9-]{0,62}):(viewer|editor|publisher|admin)$/;

export const consoleGroupName = (shopId: string, role: ConsoleRole): string =>
  `shop:${shopId}:${role}`;

/** One membership per shop, the strongest role its groups give. */
export const membershipsOf = (groups: unknown): Membership[] => {
  const list = Array.isArray(groups)
    ? groups.filter((g): g is string => typeof g === 'string')
    : [];
  const strongest = new Map<string, ConsoleRole>();
  for (const group of list) {
    const m = GROUP.exec(group);
    if (!m?.[1] || !m[2]) continue;
    const role = m[2] as ConsoleRole;
    const held = strongest.get(m[1]);
    if (!held || CONSOLE_ROLES.indexOf(role) > CONSOLE_ROLES.indexOf(held))
      strongest.set(m[1], role);
  }
  return [...strongest].map(([shopId, role]) => ({ shopId, role }));
};

export const roleAtLeast = (role: ConsoleRole | undefined, needed: ConsoleRole): boolean =>
  role !== undefined && CONSOLE_ROLES.indexOf(role) >= CONSOLE_ROLES.indexOf(needed);
