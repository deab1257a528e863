import type { ContactChannel } from './api.ts';

/** What staff paste: `+86 138-0013-8000` is sent as `+8613800138000`; the API checks the rest. */
export const cleanAddress = (channel: ContactChannel, address: string): string =>
  channel === 'sms' ? address.replace(/[\s().-]/g, '') : address.trim();
