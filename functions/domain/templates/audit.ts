import type { Role } from '../access/roles.ts';

export const AUDIT_ACTIONS = [
  'draft_saved',
  'publish_requested',
  'published',
  'approved',
  'rolled_back',
  'override_removed',
  'test_sent',
  // An SMS provider's review of a version (Aliyun, Tencent): sent for review, or its verdict.
  'provider_review_submitted',
  'provider_review_recorded',
  // Not a template's: the shop's settings and staff changes to a contact's preference.
  'settings_changed',
  'contact_opted_out',
  'contact_opted_in',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One change to a shop's words, with who made it and when. */
export interface AuditEntry {
  at: string;
  actor: string;
  role: Role;
  action: AuditAction;
  key: string;
  version?: number;
  /** e.g. the address a test went to (masked), the version rolled back to. */
  detail?: Record<string, string | number | boolean>;
}
