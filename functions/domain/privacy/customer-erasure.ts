import { normalizeAddress } from '../consent/contact-preference.ts';
import {
  type FollowUp,
  type FollowUpSubject,
  isPending,
  type Plan,
} from '../follow-ups/follow-up.ts';
import type { CustomerData, OrderData, ShipmentData } from '../order/order-event.ts';

/** The reason every pending follow-up of an erased customer is cancelled with. */
export const CUSTOMER_ERASED = 'customer erased';
/** What a personal value inside a stored text (a failure reason, a provider error) becomes. */
export const ERASED_MARK = '[erased]';

/** Whom a request names: the shop's customer id and/or addresses, as a platform or staff give them. */
export interface ErasureRequest {
  customerId?: string;
  emails?: string[];
  phones?: string[];
  orderIds?: string[];
}

/** The same, normalised the way the contact log and the preferences store addresses. */
export interface ErasureSubject {
  customerId?: string;
  emails: Set<string>;
  phones: Set<string>;
}

export const subjectOf = (who: ErasureRequest): ErasureSubject => ({
  ...(who.customerId ? { customerId: who.customerId } : {}),
  emails: new Set((who.emails ?? []).map((e) => normalizeAddress('email', e)).filter(Boolean)),
  phones: new Set((who.phones ?? []).map((p) => normalizeAddress('sms', p)).filter(Boolean)),
});

/** Adds the addresses an order of theirs carries, so guest logs and preferences are found too. */
export const widenSubject = (s: ErasureSubject, customer: CustomerData | undefined): void => {
  if (customer?.email) s.emails.add(normalizeAddress('email', customer.email));
  if (customer?.phone) s.phones.add(normalizeAddress('sms', customer.phone));
};

/**
 * Whether an order's customer is the one named: the same customer id, or the same email or phone
 * where one side has no id (a guest order, a request by address only). An order of another
 * customer id is never touched.
 */
export const belongsTo = (customer: CustomerData | undefined, s: ErasureSubject): boolean => {
  if (!customer) return false;
  if (customer.id !== undefined && s.customerId !== undefined) return customer.id === s.customerId;
  return (
    (customer.email !== undefined && s.emails.has(normalizeAddress('email', customer.email))) ||
    (customer.phone !== undefined && s.phones.has(normalizeAddress('sms', customer.phone)))
  );
};

/**
 * The contact-log subjects of a guest with these addresses, as the sender builds them
 * (`contactSubjectOf`: phone first, email lower-cased).
 */
export const guestSubjectsOf = (s: ErasureSubject): string[] => [
  ...[...s.phones].map((p) => `~sms:${p}`),
  ...[...s.emails].map((e) => `~email:${e}`),
];

/** Who signed, tracking that leads a carrier to the address, and free text about the parcel go. */
export const blankShipment = (s: ShipmentData): ShipmentData => {
  const { signedBy: _s, trackingNumber: _n, trackingUrl: _u, exceptionMessage: _m, ...kept } = s;
  return kept;
};

/**
 * The order without its customer: identity, contact, address, and the links that open the
 * customer's own checkout or review page. Items, money, milestones and events stay.
 */
export const blankOrderData = (data: OrderData): OrderData => {
  const {
    customer: _c,
    shippingAddress: _a,
    paymentUrl: _p,
    reviewUrl: _r,
    surveyUrl: _v,
    shipment,
    ...kept
  } = data;
  return { ...kept, ...(shipment ? { shipment: blankShipment(shipment) } : {}) };
};

/** Whether anything of blankOrderData's would still be removed. */
export const holdsPersonalData = (data: OrderData): boolean =>
  JSON.stringify(blankOrderData(data)) !== JSON.stringify(data);

export const blankFollowUpSubject = (about: FollowUpSubject): FollowUpSubject => ({
  ...about,
  ...(about.shipment ? { shipment: blankShipment(about.shipment) } : {}),
});

/** Every personal value an order carries, as text that may have been copied into a reason. */
export const personalValuesOf = (data: OrderData): string[] => {
  const c = data.customer;
  const a = data.shippingAddress;
  const s = data.shipment;
  return [
    c?.name,
    c?.phone,
    c?.email,
    c?.protectedContact?.display,
    a?.name,
    a?.phone,
    a?.line1,
    a?.line2,
    a?.district,
    a?.postalCode,
    s?.signedBy,
    s?.trackingNumber,
    s?.trackingUrl,
  ].filter((v): v is string => typeof v === 'string' && v.trim().length >= 2);
};

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces every occurrence of the values (case-insensitively, longest first so an email is not
 * half-replaced by its local part) with ERASED_MARK.
 */
export const scrubText = (text: string, values: Iterable<string>): string => {
  const sorted = [...new Set(values)]
    .filter((v) => v.length >= 2)
    .sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return text;
  return text.replace(new RegExp(sorted.map(escapeRegExp).join('|'), 'giu'), ERASED_MARK);
};

/**
 * What an event may still plan on an erased order: staff alerts only. Anything pending for the
 * customer (planned by an attempt that read the order before it was erased) is cancelled.
 */
export const erasedOrderPlan = (plan: Plan, followUps: FollowUp[]): Plan => {
  const cancelling = new Set(plan.cancel.map((c) => `${c.flow}#${c.step}`));
  return {
    ...plan,
    create: plan.create.filter((f) => f.category === 'internal'),
    cancel: [
      ...plan.cancel,
      ...followUps
        .filter(
          (f) =>
            isPending(f) && f.category !== 'internal' && !cancelling.has(`${f.flow}#${f.step}`),
        )
        .map((f) => ({ flow: f.flow, step: f.step, reason: CUSTOMER_ERASED })),
    ],
  };
};
