import type {
  ContactChannel,
  ContactPreference,
} from '../../functions/domain/consent/contact-preference.ts';
import type { PreferenceChangeBody } from '../../functions/domain/consent/preference-change.ts';
import type { FieldIssue } from '../../functions/domain/errors.ts';
import type { ShopSettings } from '../../functions/domain/shop/shop-settings.ts';
import type { FlowReport } from '../../functions/use-cases/flow-report.ts';
import type { getOrderTimeline } from '../../functions/use-cases/get-order-timeline.ts';
import type { SweepPreview } from '../../functions/use-cases/preview-payment-sweep.ts';
import type { ShopSettingsView } from '../../functions/use-cases/shop-settings-change.ts';

/** Response types are the server's own: a field renamed there fails this build (tsc -p console). */
export type OrderTimeline = Awaited<ReturnType<typeof getOrderTimeline>>;
export type TimelineFollowUp = OrderTimeline['followUps'][number];
export type {
  ContactChannel,
  ContactPreference,
  FlowReport,
  ShopSettings,
  ShopSettingsView,
  SweepPreview,
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Api {
  orderTimeline(orderId: string): Promise<OrderTimeline>;
  flowReport(from: string, to: string): Promise<FlowReport>;
  sweepPreview(): Promise<SweepPreview>;
  contact(channel: ContactChannel, address: string): Promise<ContactPreference>;
  setContact(
    channel: ContactChannel,
    address: string,
    body: PreferenceChangeBody,
  ): Promise<ContactPreference>;
  settings(): Promise<ShopSettingsView>;
  /** `version`: the loaded view's lastChange.changedAt, or "none"; a later save by someone else is a 409. */
  saveSettings(settings: ShopSettings, version: string): Promise<ShopSettingsView>;
}

/** The console's routes for one shop, with the signed-in person's ID token. */
export const createApi = (apiBase: string, shopId: string, idToken: () => string): Api => {
  const call = async <T>(
    method: 'GET' | 'PUT',
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> => {
    const response = await fetch(`${apiBase}/v1/shops/${encodeURIComponent(shopId)}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${idToken()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...extraHeaders,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await response.json().catch(() => ({}))) as {
      error?: { code: string; message: string; details?: FieldIssue[] };
    };
    if (!response.ok) {
      throw new ApiError(
        response.status,
        answer.error?.code ?? 'error',
        answer.error?.message ?? `HTTP ${response.status}`,
        answer.error?.details ?? [],
      );
    }
    return answer as T;
  };
  const contactPath = (channel: ContactChannel, address: string) =>
    `/contacts/${channel}/${encodeURIComponent(address)}`;
  return {
    orderTimeline: (orderId) => call('GET', `/orders/${encodeURIComponent(orderId)}`),
    flowReport: (from, to) =>
      call('GET', `/reports/flows?${new URLSearchParams({ from, to }).toString()}`),
    sweepPreview: () => call('GET', '/sweeps/payment/preview'),
    contact: (channel, address) => call('GET', contactPath(channel, address)),
    setContact: (channel, address, body) => call('PUT', contactPath(channel, address), body),
    settings: () => call('GET', '/settings'),
    saveSettings: (settings, version) =>
      call('PUT', '/settings', settings, { 'if-match': `"${version}"` }),
  };
};
