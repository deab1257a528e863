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
import type {
  auditLog,
  getTemplate,
  listTemplates,
  previewTemplate,
  providerReviewOf,
  templateVersions,
  testSendTemplate,
} from '../../functions/use-cases/shop-templates.ts';
import type {
  contactHistory,
  findCustomersByContact,
  findOrders,
} from '../../functions/use-cases/staff-lookups.ts';

/** Response types are the server's own: a field renamed there fails this build (tsc -p console). */
export type OrderTimeline = Awaited<ReturnType<typeof getOrderTimeline>>;
export type TemplateList = Awaited<ReturnType<typeof listTemplates>>;
export type TemplateSummary = TemplateList['templates'][number];
export type TemplateView = Awaited<ReturnType<typeof getTemplate>>;
/** The handler adds `document` to an email preview: its own URL, for the sandboxed frame. */
export type TemplatePreview = Awaited<ReturnType<typeof previewTemplate>> & {
  document?: { path: string };
};
export type TemplateVersions = Awaited<ReturnType<typeof templateVersions>>;
export type TestSent = Awaited<ReturnType<typeof testSendTemplate>>;
export type AuditLog = Awaited<ReturnType<typeof auditLog>>;
export type PublishResult =
  | { version: number }
  | { status: 'pending_approval' }
  | { status: 'pending_provider_review'; version: number; providers: string[] };
export type ProviderReview = Awaited<ReturnType<typeof providerReviewOf>>;
export type TimelineFollowUp = OrderTimeline['followUps'][number];
export type FoundOrders = Awaited<ReturnType<typeof findOrders>>;
export type OrderSummary = FoundOrders['orders'][number];
export type CustomersByContact = Awaited<ReturnType<typeof findCustomersByContact>>;
export type ContactHistory = Awaited<ReturnType<typeof contactHistory>>;
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
  /** Orders whose id or number (as the customer sees it) is `q`. */
  findOrders(q: string): Promise<FoundOrders>;
  /** Customers who ordered with a phone or email, and their newest orders (the address masked). */
  customersByContact(channel: ContactChannel, address: string): Promise<CustomersByContact>;
  /** What was sent to an address: when, flow, channel, status. */
  contactHistory(channel: ContactChannel, address: string): Promise<ContactHistory>;
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
  templates(): Promise<TemplateList>;
  template(key: string): Promise<TemplateView>;
  saveDraft(key: string, text: string): Promise<unknown>;
  preview(key: string, body: { text?: string; orderId?: string }): Promise<TemplatePreview>;
  testSend(key: string, to: string): Promise<TestSent>;
  publish(key: string): Promise<PublishResult>;
  approve(key: string): Promise<unknown>;
  rollback(key: string, version: number): Promise<unknown>;
  backToDefault(key: string): Promise<unknown>;
  versions(key: string): Promise<TemplateVersions>;
  submitReview(key: string, version: number, provider: string): Promise<ProviderReview>;
  refreshReview(key: string, version: number): Promise<ProviderReview>;
  recordApproval(
    key: string,
    version: number,
    provider: string,
    code: string,
  ): Promise<ProviderReview>;
  audit(): Promise<AuditLog>;
  /** Where the browser loads a preview document: the API's own path, outside the console routes. */
  documentUrl(path: string): string;
}

/** The console's routes for one shop, with the signed-in person's ID token. */
export const createApi = (apiBase: string, shopId: string, idToken: () => string): Api => {
  const call = async <T>(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
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
  const templatePath = (key: string) =>
    `/templates/${key.split('/').map(encodeURIComponent).join('/')}`;
  const contactPath = (channel: ContactChannel, address: string) =>
    `/contacts/${channel}/${encodeURIComponent(address)}`;
  return {
    orderTimeline: (orderId) => call('GET', `/orders/${encodeURIComponent(orderId)}`),
    findOrders: (q) => call('GET', `/orders?q=${encodeURIComponent(q)}`),
    customersByContact: (channel, address) =>
      call('GET', `${contactPath(channel, address)}/orders`),
    contactHistory: (channel, address) => call('GET', `${contactPath(channel, address)}/history`),
    flowReport: (from, to) =>
      call('GET', `/reports/flows?${new URLSearchParams({ from, to }).toString()}`),
    sweepPreview: () => call('GET', '/sweeps/payment/preview'),
    contact: (channel, address) => call('GET', contactPath(channel, address)),
    setContact: (channel, address, body) => call('PUT', contactPath(channel, address), body),
    settings: () => call('GET', '/settings'),
    saveSettings: (settings, version) =>
      call('PUT', '/settings', settings, { 'if-match': `"${version}"` }),
    templates: () => call('GET', '/templates'),
    template: (key) => call('GET', templatePath(key)),
    saveDraft: (key, text) => call('PUT', `${templatePath(key)}/draft`, { text }),
    preview: (key, body) => call('POST', `${templatePath(key)}/preview`, body),
    testSend: (key, to) => call('POST', `${templatePath(key)}/test-send`, { to }),
    publish: (key) => call('POST', `${templatePath(key)}/publish`),
    approve: (key) => call('POST', `${templatePath(key)}/approve`),
    rollback: (key, version) => call('POST', `${templatePath(key)}/rollback`, { version }),
    backToDefault: (key) => call('DELETE', templatePath(key)),
    versions: (key) => call('GET', `${templatePath(key)}/versions`),
    submitReview: (key, version, provider) =>
      call('POST', `${templatePath(key)}/versions/${version}/provider-review`, { provider }),
    refreshReview: (key, version) =>
      call('POST', `${templatePath(key)}/versions/${version}/provider-review/refresh`),
    recordApproval: (key, version, provider, code) =>
      call(
        'PUT',
        `${templatePath(key)}/versions/${version}/provider-review/${encodeURIComponent(provider)}`,
        { state: 'approved', code },
      ),
    audit: () => call('GET', '/audit'),
    documentUrl: (path) => `${apiBase.replace(/\/console-api$/, '')}${path}`,
  };
};
