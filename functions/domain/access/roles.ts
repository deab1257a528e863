/**
 * Who may do what in a shop. A person holds one role per shop; each role includes the ones
 * before it. The console's sign-in maps its groups onto these same roles.
 */
export const ROLES = ['viewer', 'editor', 'publisher', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Everything the APIs ask permission for, by the least role that may do it. */
export const ACTIONS = {
  /** Templates, versions, audit, order timelines, reports, the sweep dry run. */
  read: 'viewer',
  /** Save a draft, preview, send a test to oneself. */
  edit: 'editor',
  /** Record a customer's wish to stop getting messages (staff on the phone with them). */
  'opt-out-contact': 'editor',
  /** Ask a publisher to publish a draft (the console's marketers); a publisher publishes. */
  'request-approval': 'editor',
  /** Publish, approve, roll back, go back to the default. */
  publish: 'publisher',
  /** Messages start again to an address that asked to stop: more trust than stopping them. */
  'opt-in-contact': 'publisher',
  /** The shop's flow switches, timings and contact policy. */
  'change-settings': 'admin',
  /** Export or erase a customer's personal data. */
  'customer-data': 'admin',
} as const satisfies Record<string, Role>;
export type Action = keyof typeof ACTIONS;

export const roleAtLeast = (role: Role, least: Role): boolean =>
  ROLES.indexOf(role) >= ROLES.indexOf(least);

export const may = (role: Role, action: Action): boolean => roleAtLeast(role, ACTIONS[action]);

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);
