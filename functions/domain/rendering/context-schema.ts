// A namespace import, not the `z` object: it lets esbuild drop zod's locales.
import * as z from 'zod';
import type { Category, Channel } from '../follow-ups/follow-up.ts';

const text = (description: string) => z.string().describe(description);
const instant = (description: string) =>
  z.string().describe(`${description} (RFC 3339; format with {{datetime}} or {{date}})`);
const decimal = (description: string) =>
  z.string().describe(`${description} (decimal string; format with {{money}})`);

const itemSchema = z.object({
  sku: text('stock-keeping unit'),
  name: text('product name as the shop lists it'),
  quantity: z.number().int().describe('how many'),
  price: decimal('unit price').optional(),
});

/**
 * Every field the engine may put in a message context (CATALOG.md "Message context"). Each flow
 * sees only the part it fills: see FLOWS and contextSchemaFor.
 */
export const messageContextSchema = z.object({
  locale: text('the locale the template is rendered in, e.g. zh-CN'),
  timeZone: text("the customer's IANA time zone (the shop's when unknown)"),
  shop: z.object({
    id: text('shop id'),
    name: text('shop name; the 【signature】 of a Chinese SMS'),
  }),
  order: z.object({
    id: text('order id'),
    number: text('order number the customer sees, e.g. #1001'),
    total: decimal('order total').optional(),
    currency: text('ISO 4217 currency code, e.g. CNY').optional(),
    createdAt: instant('when the order was placed').optional(),
    payBy: instant('when an unpaid order closes').optional(),
    shipBy: instant('latest shipping time the platform allows').optional(),
    items: z.array(itemSchema).describe('the ordered items (use {{itemsSummary order.items}})'),
    itemsCount: z.number().int().describe('total quantity of items'),
    unpaidReason: z
      .enum(['price', 'coupon', 'address', 'stock', 'payment_failed'])
      .describe('why the order is unpaid, where the data says it')
      .optional(),
    maskedAddress: text('shipping address with the street masked, never the full one').optional(),
  }),
  customer: z.object({
    name: text("customer's name").optional(),
    maskedPhone: text('phone with the middle digits masked, e.g. 138****8000').optional(),
    maskedEmail: text('e-mail with the user part masked').optional(),
    phone: text('full phone number: staff call scripts only').optional(),
  }),
  shipment: z
    .object({
      carrier: text('carrier name').optional(),
      trackingNumber: text('tracking number').optional(),
      trackingUrl: text("the carrier's tracking page").optional(),
      signedBy: text('who signed for the parcel').optional(),
      signedByOther: z.boolean().describe('signed by someone other than the customer'),
      items: z.array(itemSchema).describe('items of this (partial) shipment'),
      partial: z.boolean().describe('only part of the order ships now'),
      exceptionCode: text('carrier exception code').optional(),
      exceptionMessage: text("carrier's exception text").optional(),
      lastUpdateAt: instant('last tracking update').optional(),
    })
    .describe('the parcel concerned (shipment flows; always there, its fields if known)'),
  links: z.object({
    pay: text('where the customer pays').optional(),
    tracking: text('tracking page').optional(),
    review: text('where the customer writes a review').optional(),
    survey: text('satisfaction survey').optional(),
    unsubscribe: text('one-click unsubscribe (marketing email only)').optional(),
  }),
  product: z
    .object({ sku: text('product SKU'), name: text('product name') })
    .describe('the item concerned (care tips, repurchase reminder)')
    .optional(),
  occasion: z.object({ name: text('the occasion, e.g. 中秋节 / New Year') }).optional(),
  followUp: z.object({
    flow: text('flow name'),
    step: text('step name'),
    channel: text('sms, email, call or webhook'),
    category: text('transactional, marketing or internal'),
  }),
});
export type FullMessageContext = z.infer<typeof messageContextSchema>;

/** One template key of a flow: which channels it may have and what kind of message it is. */
export interface TemplateSpec {
  /** The folder name, or a pattern for keyed families such as care tips per product. */
  key: string | RegExp;
  label: string;
  channels: Channel[];
  category: Category;
}

export interface FlowSpec {
  flow: string;
  description: string;
  templates: TemplateSpec[];
  /** Context paths this flow fills beyond the shared base (a path includes what is under it). */
  provides: string[];
  /**
   * Paths every template of this flow must use and no message may go out without: the engine
   * fills them (or the shop's settings.links patterns do) and the sender skips when they are missing.
   */
  required: { path: string; channels: Channel[] }[];
  /** Most SMS parts a message of this flow may take (default 2: a third part doubles the bill). */
  maxSmsParts?: number;
}

export const DEFAULT_MAX_SMS_PARTS = 2;

/** What every flow has: who, which shop, which order, and the follow-up itself. */
export const BASE_PATHS = [
  'locale',
  'timeZone',
  'shop',
  'order.id',
  'order.number',
  'order.total',
  'order.currency',
  'order.createdAt',
  'order.items',
  'order.itemsCount',
  'customer.name',
  'customer.maskedPhone',
  'customer.maskedEmail',
  'followUp',
] as const;

const customer: Channel[] = ['sms', 'email'];
const SHIPMENT = ['shipment', 'links.tracking', 'order.maskedAddress'];

/** The flow catalog of CATALOG.md: folders under templates/ are checked against it. */
export const FLOWS: FlowSpec[] = [
  {
    flow: 'payment-reminder',
    description: '催付: a kind reminder that an order waits for payment; a call task for staff',
    templates: ['first', 'before-close', 'sweep'].map((key) => ({
      key,
      label: key,
      channels: ['sms', 'email', 'call'],
      category: 'transactional',
    })),
    provides: ['order.payBy', 'order.unpaidReason', 'links.pay'],
    required: [{ path: 'links.pay', channels: customer }],
  },
  {
    flow: 'order-confirmation',
    description: 'we got your order: items, amount, the address to double-check',
    templates: [
      { key: 'confirmation', label: 'confirmation', channels: customer, category: 'transactional' },
    ],
    provides: ['order.maskedAddress', 'order.payBy'],
    required: [],
  },
  {
    flow: 'ship-deadline',
    description: 'alert to the merchant: a paid order is close to its shipping deadline',
    templates: [{ key: 'alert', label: 'alert', channels: ['webhook'], category: 'internal' }],
    provides: ['order.shipBy', 'order.maskedAddress'],
    required: [],
  },
  {
    flow: 'shipping-notice',
    description: 'shipped: carrier, tracking number and link',
    templates: [
      { key: 'shipped', label: 'shipped', channels: customer, category: 'transactional' },
    ],
    provides: SHIPMENT,
    required: [],
  },
  {
    flow: 'out-for-delivery',
    description: 'arrives today, please be available to sign',
    templates: [
      { key: 'arriving', label: 'arriving', channels: customer, category: 'transactional' },
    ],
    provides: SHIPMENT,
    required: [],
  },
  {
    flow: 'delivered',
    description: 'delivered; where it was left if someone else signed',
    templates: [
      { key: 'delivered', label: 'delivered', channels: customer, category: 'transactional' },
    ],
    provides: SHIPMENT,
    required: [],
  },
  {
    flow: 'delivery-exception',
    description: 'an apology and what happens next; the merchant is alerted too',
    templates: [
      { key: 'apology', label: 'apology', channels: customer, category: 'transactional' },
      { key: 'alert', label: 'alert', channels: ['webhook'], category: 'internal' },
    ],
    provides: SHIPMENT,
    required: [],
  },
  {
    flow: 'stalled-parcel',
    description: 'no tracking update for days: staff alert and an apology',
    templates: [
      { key: 'alert', label: 'alert', channels: ['webhook'], category: 'internal' },
      { key: 'apology', label: 'apology', channels: customer, category: 'transactional' },
    ],
    provides: SHIPMENT,
    required: [],
  },
  {
    flow: 'review-request',
    description: '好评提醒: an invitation to review, at most one reminder',
    templates: ['request', 'reminder'].map((key) => ({
      key,
      label: key,
      channels: customer,
      category: 'marketing',
    })),
    provides: ['links.review', 'links.unsubscribe'],
    required: [{ path: 'links.review', channels: customer }],
  },
  {
    flow: 'care-tips',
    description: 'how to use or keep a product; only where a template exists',
    templates: [
      {
        key: /^tips(-[a-z0-9]+(-[a-z0-9]+)*)?$/,
        label: 'tips, tips-<sku-slug>',
        channels: customer,
        category: 'marketing',
      },
    ],
    provides: ['product', 'links.unsubscribe'],
    required: [{ path: 'product.name', channels: customer }],
  },
  {
    flow: 'satisfaction-survey',
    description: 'a short survey after delivery',
    templates: [{ key: 'survey', label: 'survey', channels: customer, category: 'marketing' }],
    provides: ['links.survey', 'links.unsubscribe'],
    required: [{ path: 'links.survey', channels: customer }],
  },
  {
    flow: 'repurchase-reminder',
    description: 'a consumable is about to run out',
    templates: [{ key: 'reminder', label: 'reminder', channels: customer, category: 'marketing' }],
    provides: ['product', 'links.unsubscribe'],
    required: [{ path: 'product.name', channels: customer }],
  },
  {
    flow: 'win-back',
    description: 'after a long silence',
    templates: [{ key: 'win-back', label: 'win-back', channels: customer, category: 'marketing' }],
    provides: ['links.unsubscribe'],
    required: [],
  },
  {
    flow: 'abandoned-checkout',
    description: '催付 on Shopify: a checkout left unpaid, its own recovery link',
    templates: [{ key: 'reminder', label: 'reminder', channels: customer, category: 'marketing' }],
    provides: ['links.pay', 'links.unsubscribe'],
    required: [{ path: 'links.pay', channels: customer }],
  },
  {
    flow: 'greetings',
    description: 'holiday greetings',
    templates: [{ key: 'greeting', label: 'greeting', channels: customer, category: 'marketing' }],
    provides: ['occasion', 'links.unsubscribe'],
    required: [{ path: 'occasion.name', channels: customer }],
  },
];

export const flowSpec = (flow: string): FlowSpec | undefined => FLOWS.find((f) => f.flow === flow);

export const templateSpec = (flow: FlowSpec, template: string): TemplateSpec | undefined =>
  flow.templates.find((t) =>
    typeof t.key === 'string' ? t.key === template : t.key.test(template),
  );

/** Whether a flow's template is transactional, marketing or internal; undefined when unknown. */
export const templateCategory = (
  flow: string,
  template: string,
): TemplateSpec['category'] | undefined => {
  const spec = flowSpec(flow);
  return spec ? templateSpec(spec, template)?.category : undefined;
};

const valueAt = (context: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (at, key) =>
        at !== null && typeof at === 'object' && Object.hasOwn(at, key)
          ? (at as Record<string, unknown>)[key]
          : undefined,
      context,
    );

/**
 * What a message of this flow cannot go out without (a reminder's pay link, a review request's
 * review link), checked on the real context before rendering: the sender skips with the reason
 * instead of sending a message that asks for an action it gives no way to take.
 */
export const missingRequired = (flow: string, channel: Channel, context: object): string[] =>
  (flowSpec(flow)?.required ?? [])
    .filter((r) => r.channels.includes(channel))
    .map((r) => r.path)
    .filter((path) => {
      const v = valueAt(context, path);
      return v === undefined || v === null || v === '';
    });

/** Paths a template of this flow, channel and category may use. */
export const allowedPaths = (flow: FlowSpec, channel: Channel, category: Category): string[] => {
  const paths: string[] = [...BASE_PATHS, ...flow.provides];
  const out = paths.filter(
    (p) => p !== 'links.unsubscribe' || (category === 'marketing' && channel === 'email'),
  );
  // The full number is for staff calling the customer; every other channel gets the masked one.
  if (channel === 'call') out.push('customer.phone');
  return out;
};

const isObject = (s: z.ZodType): s is z.ZodObject => s instanceof z.ZodObject;
export const unwrapOptional = (s: z.ZodType): z.ZodType =>
  s instanceof z.ZodOptional ? unwrapOptional(s.unwrap() as z.ZodType) : s;

const within = (path: string, paths: string[]) =>
  paths.some((p) => path === p || path.startsWith(`${p}.`));
const above = (path: string, paths: string[]) => paths.some((p) => p.startsWith(`${path}.`));

/** Keeps the allowed paths of a schema; `required` paths (and their parents) become mandatory. */
const project = (
  schema: z.ZodObject,
  prefix: string,
  allowed: string[],
  required: string[],
): z.ZodObject => {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const inner = unwrapOptional(field);
    const mustHave = within(path, required) || above(path, required);
    const optional = field instanceof z.ZodOptional && !mustHave;
    let kept: z.ZodType | undefined;
    if (within(path, allowed))
      kept = isObject(inner) && mustHave ? project(inner, path, [path], required) : inner;
    else if (isObject(inner) && above(path, allowed))
      kept = project(inner, path, allowed, required);
    if (!kept) continue;
    shape[key] = optional ? kept.optional() : kept;
  }
  const out = z.object(shape);
  return schema.description ? out.describe(schema.description) : out;
};

/** The typed context a template of this flow, channel and category is rendered with. */
export const contextSchemaFor = (flow: FlowSpec, channel: Channel, category: Category) =>
  project(messageContextSchema, '', allowedPaths(flow, channel, category), [
    ...flow.required.filter((r) => r.channels.includes(channel)).map((r) => r.path),
    // Marketing email is never sent without its unsubscribe link.
    ...(category === 'marketing' && channel === 'email' ? ['links.unsubscribe'] : []),
  ]);

/** The schema type at a dotted path, or undefined when the schema has no such field. */
export const schemaAt = (schema: z.ZodType, path: string[]): z.ZodType | undefined => {
  let current: z.ZodType = schema;
  for (const key of path) {
    const inner = unwrapOptional(current);
    if (inner instanceof z.ZodArray && key === 'length') return z.number();
    if (!isObject(inner)) return undefined;
    // Own fields only: `constructor`, `__proto__`, `toString` are inherited names of every shape.
    const shape = inner.shape as Record<string, z.ZodType>;
    if (!Object.hasOwn(shape, key)) return undefined;
    const next = shape[key];
    if (!next) return undefined;
    current = next;
  }
  return current;
};

export interface FieldDoc {
  path: string;
  required: boolean;
  description: string;
}

/** Every leaf of a context schema with its description, for the README reference and the preview. */
export const describeFields = (schema: z.ZodObject, prefix = ''): FieldDoc[] =>
  Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, field]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const inner = unwrapOptional(field);
    if (isObject(inner)) return describeFields(inner, path);
    const element =
      inner instanceof z.ZodArray ? unwrapOptional(inner.element as z.ZodType) : undefined;
    const description = field.description ?? inner.description ?? '';
    const doc = { path, required: !(field instanceof z.ZodOptional), description };
    return element && isObject(element) ? [doc, ...describeFields(element, `${path}[]`)] : [doc];
  });
