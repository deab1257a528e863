import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiptReference } from '../../functions/channels/sms-providers/receipt-reference.ts';
import { defaultShopSettings } from '../../functions/domain/shop/shop-settings.ts';
import { sha256Hex } from '../../functions/http/admin-auth.ts';
import {
  DEMO_ADMIN_TOKEN,
  DEMO_SHOP_LINKS,
  DEMO_WEBHOOK_SECRET,
  type LocalStack,
} from '../../local/stack.ts';
import { customer, emit, hoursAfter, nextLocal, sent } from '../support/flow-helpers.ts';
import { publishForReview, recordApproval } from '../support/provider-review.ts';
import { startTestStack, timeline } from '../support/test-stack.ts';
import { readFollowUps } from '../support/timeline-direct.ts';

const TOKEN = 'rcpt_0123456789abcdef0123456789abcdef';
let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack();
  await stack.putShop({
    shop: {
      id: 'demo',
      name: 'Demo Tea House',
      timeZone: 'Asia/Shanghai',
      defaultLocale: 'zh-CN',
      // Mainland numbers go through Tencent (locally its stand-in, the outbox), so its receipts,
      // which name only Tencent's own id, must find the follow-up through the index.
      settings: {
        ...defaultShopSettings(),
        links: DEMO_SHOP_LINKS,
        sms: { providers: { CN: 'tencent', '*': 'aws' } },
      },
    },
    webhookSecrets: [DEMO_WEBHOOK_SECRET],
    adminTokenHashes: [sha256Hex(DEMO_ADMIN_TOKEN)],
    smsReceiptToken: TOKEN,
  });
  // Tencent sends only a template it approved: the shop's own confirmation, with its code.
  const key = 'order-confirmation/confirmation/sms/zh-CN';
  const version = await publishForReview(
    stack,
    DEMO_ADMIN_TOKEN,
    'demo',
    key,
    '---\ndescription: 付款后的订单确认\ncategory: transactional\n---\n【{{shop.name}}】您好，您的订单已付款，我们会尽快发货。\n',
  );
  await recordApproval(stack, DEMO_ADMIN_TOKEN, 'demo', key, version, 'tencent', '1234567');
});
afterAll(async () => {
  await stack?.stop();
});

const postReceipts = async (provider: string, body: unknown, token = TOKEN, shopId = 'demo') => {
  const response = await fetch(
    `${stack.url}/v1/shops/${shopId}/sms-receipts/${provider}/${token}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** A paid order's confirmation goes out at once by SMS; its follow-up is what receipts land on. */
const confirmed = async (orderId: string) => {
  const at = nextLocal(stack, '10:00');
  await emit(stack, 'order.paid', orderId, at, { customer: customer(`C${orderId}`) });
  await stack.advanceTo(hoursAfter(at, 0.01));
  const [message] = sent(stack, orderId, 'order-confirmation');
  expect(message?.channel).toBe('sms');
  return message;
};

const deliveryOf = async (orderId: string) =>
  (await readFollowUps(stack, orderId)).followUps.find((f) => f.flow === 'order-confirmation')
    ?.delivery;

describe('SMS delivery receipts', () => {
  it('Aliyun: a report finds its follow-up by our out_id, is shown in the timeline, and a repeat or an older one changes nothing', async () => {
    await confirmed('R1');
    const outId = receiptReference({
      orderId: 'R1',
      flow: 'order-confirmation',
      step: 'confirmation',
    });
    const report = {
      phone_number: '13800138000',
      send_time: '2026-11-22 10:00:01',
      report_time: '2026-11-22 10:00:05',
      success: false,
      err_code: 'MK:0001',
      err_msg: '空号',
      sms_size: '1',
      biz_id: '900619746936498440^0',
      out_id: outId,
    };
    expect(await postReceipts('aliyun', [report])).toEqual({
      status: 200,
      body: { code: 0, msg: '接收成功' },
    });
    const delivered = {
      ...report,
      success: true,
      err_code: 'DELIVERED',
      err_msg: '用户接收成功',
      report_time: '2026-11-22 10:00:09',
    };
    await postReceipts('aliyun', [delivered]);
    await postReceipts('aliyun', [report]);
    expect(await deliveryOf('R1')).toEqual({
      provider: 'aliyun',
      delivered: true,
      code: 'DELIVERED',
      description: '用户接收成功',
      at: '2026-11-22T02:00:09.000Z',
    });
    const { body } = await timeline(stack, 'R1');
    expect(body.followUps.find((f) => f.flow === 'order-confirmation')).toMatchObject({
      delivery: { provider: 'aliyun', delivered: true, code: 'DELIVERED' },
    });
  });

  it("Tencent: a callback carries only the provider's id (sid), found through the provider-ref index", async () => {
    const message = await confirmed('R2');
    // The local outbox answers with our message id as the provider's id, as a provider would its own.
    const sid = message?.id as string;
    const callback = [
      {
        user_receive_time: '2026-11-22 10:00:07',
        nationcode: '86',
        mobile: '13800138000',
        report_status: 'FAIL',
        errmsg: 'MN:0017',
        description: '用户短信接收失败',
        sid,
      },
      { ...callback0(), sid: 'unknown-serial' },
    ];
    expect(await postReceipts('tencent', callback)).toEqual({
      status: 200,
      body: { result: 0, errmsg: 'OK' },
    });
    expect(await deliveryOf('R2')).toMatchObject({
      provider: 'tencent',
      delivered: false,
      code: 'MN:0017',
    });
  });

  it('401 with a wrong token, 400 naming bad fields or an unknown provider, nothing stored', async () => {
    await confirmed('R3');
    const outId = receiptReference({
      orderId: 'R3',
      flow: 'order-confirmation',
      step: 'confirmation',
    });
    const good = [
      {
        phone_number: '1',
        report_time: '2026-11-22 10:00:05',
        success: true,
        err_code: 'DELIVERED',
        err_msg: '',
        biz_id: 'b',
        out_id: outId,
      },
    ];
    expect((await postReceipts('aliyun', good, 'rcpt_wrong')).status).toBe(401);
    const bad = await postReceipts('aliyun', [
      { ...good[0], report_time: 'yesterday', success: 'yes' },
    ]);
    expect(bad.status).toBe(400);
    const details = (bad.body.error as { details: { path: string }[] }).details.map((d) => d.path);
    expect(details).toEqual(expect.arrayContaining(['[0].report_time', '[0].success']));
    expect((await postReceipts('sinch', good)).status).toBe(400);
    expect((await postReceipts('aliyun', 'not json')).status).toBe(400);
    expect(await deliveryOf('R3')).toBeUndefined();
  });
});

const callback0 = () => ({
  user_receive_time: '2026-11-22 10:00:07',
  nationcode: '86',
  mobile: '13800138000',
  report_status: 'SUCCESS',
  errmsg: 'DELIVRD',
  description: '用户短信送达成功',
});
