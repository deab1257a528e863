import type { DeliveryReport } from '../channels/sms-providers/delivery-report.ts';
import { followUpOfReference } from '../channels/sms-providers/receipt-reference.ts';
import type { TableRef } from '../store/dynamo.ts';
import { findByProviderMessageId, recordDelivery } from '../store/follow-up-store.ts';

export interface ReceiptOutcome {
  recorded: number;
  /** Older than what is recorded, a repeat, or for a follow-up not sent. */
  ignored: number;
  /** No follow-up of this shop carries the reference or the provider's id. */
  unmatched: number;
}

/**
 * Records each receipt on its follow-up: by our reference where the provider returns it (Aliyun
 * out_id: no read), else by the provider's message id through the provider-ref index (Tencent sid).
 */
export const recordSmsReceipts = async (
  table: TableRef,
  shopId: string,
  reports: DeliveryReport[],
): Promise<ReceiptOutcome> => {
  const outcome: ReceiptOutcome = { recorded: 0, ignored: 0, unmatched: 0 };
  for (const r of reports) {
    const key =
      followUpOfReference(shopId, r.reference) ??
      (await findByProviderMessageId(table, shopId, r.providerMessageId));
    if (!key) {
      outcome.unmatched++;
      continue;
    }
    const result = await recordDelivery(table, key, {
      provider: r.provider,
      delivered: r.delivered,
      code: r.code,
      description: r.description,
      at: r.at,
    });
    outcome[result]++;
  }
  return outcome;
};
