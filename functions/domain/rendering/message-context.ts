import type { FollowUp } from '../follow-ups/follow-up.ts';
import type { OrderItem } from '../order/order-event.ts';
import type { OrderState } from '../order/order-state.ts';
import type { Shop } from '../shop/shop-settings.ts';

/** What a template may use. The same shape for every flow so far; flows add fields as they grow. */
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
    items: OrderItem[];
    itemsCount: number;
    unpaidReason?: string;
  };
  customer: {
    name?: string;
    /** Full number, for staff call scripts only; customer messages use maskedPhone. */
    phone?: string;
    maskedPhone?: string;
    maskedEmail?: string;
  };
  links: { pay?: string };
  followUp: { flow: string; step: string; channel: string };
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

export const buildMessageContext = (input: {
  order: OrderState;
  shop: Shop;
  followUp: Pick<FollowUp, 'flow' | 'step' | 'channel'>;
  locale: string;
  now: Date;
}): MessageContext => {
  const { order, shop, followUp } = input;
  const d = order.data;
  const c = d.customer ?? {};
  const items = d.items ?? [];
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
      items,
      itemsCount: items.reduce((n, i) => n + i.quantity, 0),
      ...(d.unpaidReason !== undefined ? { unpaidReason: d.unpaidReason } : {}),
    },
    customer: {
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.phone !== undefined ? { phone: c.phone, maskedPhone: maskPhone(c.phone) } : {}),
      ...(c.email !== undefined ? { maskedEmail: maskEmail(c.email) } : {}),
    },
    links: { ...(d.paymentUrl !== undefined ? { pay: d.paymentUrl } : {}) },
    followUp: { flow: followUp.flow, step: followUp.step, channel: followUp.channel },
  };
};
