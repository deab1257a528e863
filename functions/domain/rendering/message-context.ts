import type { Category, FollowUp } from '../follow-ups/follow-up.ts';
import type { OrderItem, ShipmentData, ShippingAddress } from '../order/order-event.ts';
import type { OrderState } from '../order/order-state.ts';
import type { Shop } from '../shop/shop-settings.ts';

/** What a template may use: one shape for every flow; each flow fills what it has. */
export interface MessageContext {
  locale: string;
  timeZone: string;
  shop: { id: string; name: string };
  order: {
    id: string;
    number: string;
    total?: string;
    currency?: string;
    createdAt?: string;
    payBy?: string;
    shipBy?: string;
    items: OrderItem[];
    itemsCount: number;
    unpaidReason?: string;
    /** Enough of the address to double-check it, never the whole of it. */
    maskedAddress?: string;
  };
  customer: {
    name?: string;
    /** Full number, for staff call scripts only; customer messages use maskedPhone. */
    phone?: string;
    maskedPhone?: string;
    maskedEmail?: string;
  };
  shipment: {
    carrier?: string;
    trackingNumber?: string;
    trackingUrl?: string;
    signedBy?: string;
    /** Signed by someone other than the customer: the delivered notice says who. */
    signedByOther: boolean;
    /** The items of this parcel when it is one of several. */
    items: OrderItem[];
    partial: boolean;
    exceptionCode?: string;
    exceptionMessage?: string;
    lastUpdateAt?: string;
  };
  links: {
    pay?: string;
    tracking?: string;
    review?: string;
    survey?: string;
    unsubscribe?: string;
  };
  product?: { sku: string; name: string };
  occasion?: { name: string };
  followUp: { flow: string; step: string; channel: string; category: Category };
}

/** "+8613800138000" → "138****8000": enough for the customer to recognise, useless to anyone else. */
export const maskPhone = (phone: string): string => {
  const national = phone.replace(/^\+86/, '').replace(/^\+1/, '').replace(/^\+/, '');
  if (national.length < 7) return '****';
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
};

export const maskEmail = (email: string): string => {
  const [user = '', domain = ''] = email.split('@');
  return `${user.slice(0, 1)}***@${domain}`;
};

const HAN = /\p{Script=Han}/u;
// Chinese street lines keep their structure words (路, 号, 弄…) so the customer recognises the shape.
const CJK_KEEP = /[路街道号弄巷村镇乡楼栋幢座室层单元区]/u;

const maskCjkLine = (line: string): string => {
  let out = '';
  let hiding = false;
  for (const ch of line) {
    if (CJK_KEEP.test(ch)) {
      out += ch;
      hiding = false;
    } else if (!hiding) {
      out += '**';
      hiding = true;
    }
  }
  return out;
};

/**
 * "上海市浦东新区**路**号" / "** Main St, Springfield": region and city stay, the street name and
 * house numbers go; the second address line, the recipient and the phone never appear.
 */
export const maskAddress = (a: ShippingAddress): string | undefined => {
  const line = a.line1;
  if (!line && !a.city) return undefined;
  if (HAN.test(`${line ?? ''}${a.city ?? ''}${a.region ?? ''}`)) {
    const areas = [a.region, a.city, a.district].filter(
      (part, i, all): part is string => part !== undefined && all.indexOf(part) === i,
    );
    return `${areas.join('')}${line ? maskCjkLine(line) : ''}`;
  }
  const street = line
    ?.replace(/\d[\w-]*/g, '**')
    .replace(/\s+/g, ' ')
    .trim();
  return [street, a.city].filter((p) => p).join(', ');
};

const SELF_SIGNED = /^(本人|本人签收|self|customer|recipient)$/i;
const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

/** True when the carrier names a signer who is neither the customer nor the addressee. */
export const signedByOther = (
  signedBy: string | undefined,
  customerName: string | undefined,
  addressee: string | undefined,
): boolean =>
  signedBy !== undefined &&
  !SELF_SIGNED.test(signedBy.trim()) &&
  !same(signedBy, customerName) &&
  !same(signedBy, addressee);

const shipmentContext = (
  s: ShipmentData,
  items: OrderItem[],
  customerName: string | undefined,
  addressee: string | undefined,
): NonNullable<MessageContext['shipment']> => {
  const skus = s.skus ? new Set(s.skus) : undefined;
  const parcel = skus ? items.filter((i) => skus.has(i.sku)) : items;
  return {
    ...(s.carrier !== undefined ? { carrier: s.carrier } : {}),
    ...(s.trackingNumber !== undefined ? { trackingNumber: s.trackingNumber } : {}),
    ...(s.trackingUrl !== undefined ? { trackingUrl: s.trackingUrl } : {}),
    ...(s.signedBy !== undefined ? { signedBy: s.signedBy } : {}),
    signedByOther: signedByOther(s.signedBy, customerName, addressee),
    items: parcel,
    partial: skus !== undefined && items.some((i) => !skus.has(i.sku)),
    ...(s.exceptionCode !== undefined ? { exceptionCode: s.exceptionCode } : {}),
    ...(s.exceptionMessage !== undefined ? { exceptionMessage: s.exceptionMessage } : {}),
    ...(s.lastUpdateAt !== undefined ? { lastUpdateAt: s.lastUpdateAt } : {}),
  };
};

/** An order's own link, else the shop's pattern with the order filled in, else nothing. */
const withLink = (
  name: 'pay' | 'review' | 'survey',
  own: string | undefined,
  pattern: string | undefined,
  order: OrderState,
): Record<string, string> => {
  if (own !== undefined) return { [name]: own };
  if (pattern === undefined) return {};
  const number = order.data.number ?? order.orderId;
  return {
    [name]: pattern
      .replaceAll('{orderId}', encodeURIComponent(order.orderId))
      .replaceAll('{orderNumber}', encodeURIComponent(number.replace(/^#/, ''))),
  };
};

export const buildMessageContext = (input: {
  order: OrderState;
  shop: Shop;
  /** Without a category (previews, older callers) the message is treated as transactional. */
  followUp: Pick<FollowUp, 'flow' | 'step' | 'channel'> &
    Partial<Pick<FollowUp, 'category' | 'about'>>;
  locale: string;
  now: Date;
  /** Marketing email only: the signed one-click unsubscribe link for this address. */
  unsubscribeUrl?: string;
}): MessageContext => {
  const { order, shop, followUp } = input;
  const d = order.data;
  const c = d.customer ?? {};
  const items = d.items ?? [];
  const shipment = followUp.about?.shipment ?? d.shipment;
  const maskedAddress = d.shippingAddress ? maskAddress(d.shippingAddress) : undefined;
  const sku = followUp.about?.sku;
  const product = sku !== undefined ? items.find((i) => i.sku === sku) : undefined;
  const occasion = followUp.about?.occasion;
  return {
    locale: input.locale,
    timeZone: c.timeZone ?? shop.timeZone,
    shop: { id: shop.id, name: shop.name },
    order: {
      id: order.orderId,
      number: d.number ?? order.orderId,
      ...(d.total !== undefined ? { total: d.total } : {}),
      ...(d.currency !== undefined ? { currency: d.currency } : {}),
      ...(d.createdAt !== undefined ? { createdAt: d.createdAt } : {}),
      ...(d.payBy !== undefined ? { payBy: d.payBy } : {}),
      ...(d.shipBy !== undefined ? { shipBy: d.shipBy } : {}),
      items,
      itemsCount: items.reduce((n, i) => n + i.quantity, 0),
      ...(d.unpaidReason !== undefined ? { unpaidReason: d.unpaidReason } : {}),
      ...(maskedAddress ? { maskedAddress } : {}),
    },
    customer: {
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.phone !== undefined ? { phone: c.phone, maskedPhone: maskPhone(c.phone) } : {}),
      ...(c.email !== undefined ? { maskedEmail: maskEmail(c.email) } : {}),
    },
    // Always there (templates guard fields, not the object): without data it is the whole order.
    shipment: shipmentContext(shipment ?? {}, items, c.name, d.shippingAddress?.name),
    links: {
      ...withLink('pay', d.paymentUrl, shop.settings.links.pay, order),
      ...(shipment?.trackingUrl !== undefined ? { tracking: shipment.trackingUrl } : {}),
      ...withLink('review', d.reviewUrl, shop.settings.links.review, order),
      ...withLink('survey', d.surveyUrl, shop.settings.links.survey, order),
      ...(input.unsubscribeUrl !== undefined ? { unsubscribe: input.unsubscribeUrl } : {}),
    },
    ...(product ? { product: { sku: product.sku, name: product.name } } : {}),
    ...(sku !== undefined && !product ? { product: { sku, name: sku } } : {}),
    ...(occasion ? { occasion: { name: occasion.name } } : {}),
    followUp: {
      flow: followUp.flow,
      step: followUp.step,
      channel: followUp.channel,
      category: followUp.category ?? 'transactional',
    },
  };
};
