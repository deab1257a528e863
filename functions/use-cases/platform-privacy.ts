import type { Shop } from '../domain/shop/shop-settings.ts';
import type { PrivacyRequest } from '../platforms/platform.ts';
import { type ErasureDeps, eraseCustomer, eraseShopData } from './erase-customer.ts';
import { exportCustomer } from './export-customer.ts';

/** What was done, for the log line: counts only, never the customer's data. */
export type PrivacyOutcome = Record<string, unknown>;

const whoOf = (r: Exclude<PrivacyRequest, { kind: 'shop-redact' }>) => ({
  ...(r.customerId ? { customerId: r.customerId } : {}),
  ...(r.email ? { emails: [r.email] } : {}),
  ...(r.phone ? { phones: [r.phone] } : {}),
  orderIds: r.orderIds,
});

/**
 * A platform's privacy request (Shopify's mandatory topics), carried out by the erasure and
 * export use cases: a redaction erases at once; a data request is answered by the export, which
 * staff fetch through GET /v1/shops/{shopId}/customers/{customerId}/export for the merchant.
 */
export const carryOutPrivacyRequest = async (
  deps: ErasureDeps,
  platform: string,
  shop: Shop,
  request: PrivacyRequest,
): Promise<PrivacyOutcome> => {
  switch (request.kind) {
    case 'customer-redact': {
      const report = await eraseCustomer(
        deps,
        shop.id,
        whoOf(request),
        `${platform} customers/redact`,
      );
      return { status: report.status, erased: report.erased, inFlight: report.inFlight };
    }
    case 'shop-redact': {
      const report = await eraseShopData(deps, shop.id);
      return { status: report.status, erased: report.erased, scannedItems: report.scannedItems };
    }
    case 'customer-data-request': {
      const held = await exportCustomer(deps, shop.id, whoOf(request));
      return {
        status: 'ready',
        orders: held.orders.length,
        contactLogs: held.contactLog.length,
        preferences: held.contactPreferences.length,
        ...(request.customerId
          ? { export: `GET /v1/shops/${shop.id}/customers/${request.customerId}/export` }
          : {}),
      };
    }
  }
};
