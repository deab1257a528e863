import { ForbiddenError } from '../errors.ts';
import { ACTIONS, type Action, may, type Role } from './roles.ts';

/** Who is asking, for which shop, in which role: what every permission check and audit line uses. */
export interface Principal {
  shopId: string;
  /** A person's name (`li.wei`), or `admin` for the shop's admin token. */
  actor: string;
  role: Role;
  /** How they proved it: a bearer token today; the console adds signed-in browser sessions. */
  via: 'admin-token' | 'person-token' | 'jwt' | 'schedule';
  /** The person's own addresses: test sends go only there. */
  contacts?: { email?: string; phone?: string };
}

export const requireAction = (principal: Principal, action: Action): void => {
  if (!may(principal.role, action))
    throw new ForbiddenError(
      `${principal.actor} (role ${principal.role}) may not ${action}: that needs ${ACTIONS[action]} or above`,
    );
};
