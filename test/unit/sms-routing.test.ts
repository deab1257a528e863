import { describe, expect, it } from 'vitest';
import type { ChannelTransport } from '../../functions/channels/channel.ts';
import { routeFor, type Transports } from '../../functions/channels/channel-router.ts';
import {
  aliyunReportsSchema,
  fromAliyunReports,
  fromTencentReports,
  tencentReportsSchema,
} from '../../functions/channels/sms-providers/delivery-report.ts';
import { parseSmsProviderAccounts } from '../../functions/channels/sms-providers/provider-accounts.ts';
import { createProviderTransports } from '../../functions/channels/sms-providers/provider-transports.ts';
import { shopSettingsSchema } from '../../functions/domain/shop/shop-settings.ts';
import type { ShopRecord } from '../../functions/store/shop-store.ts';

const transport = (): ChannelTransport => ({ deliver: async () => ({}) });
const aws = transport();
const aliyun = transport();
const tencent = transport();
const transports: Transports = {
  sms: aws,
  email: transport(),
  staffWebhook: () => transport(),
  smsProvider: (shop, provider) =>
    provider === 'aliyun' && shop.smsProviders?.aliyun
      ? aliyun
      : provider === 'tencent'
        ? tencent
        : undefined,
};
const shop = (providers: Record<string, string>, accounts = true): ShopRecord => ({
  shop: {
    id: 'demo',
    name: 'Demo',
    timeZone: 'Asia/Shanghai',
    defaultLocale: 'zh-CN',
    settings: shopSettingsSchema.parse({ sms: { providers } }),
  },
  webhookSecrets: [],
  adminTokenHashes: [],
  ...(accounts
    ? { smsProviders: { aliyun: { accessKeyId: 'k', accessKeySecret: 's', signName: '茶小铺' } } }
    : {}),
});

describe('SMS provider per destination region', () => {
  const cases: [Record<string, string>, string, ChannelTransport][] = [
    [{}, '+8613800138000', aws],
    [{ CN: 'aliyun', '*': 'aws' }, '+8613800138000', aliyun],
    [{ CN: 'aliyun', '*': 'aws' }, '+14155550100', aws],
    [{ CN: 'aliyun', HK: 'tencent' }, '+85291234567', tencent],
    [{ CN: 'aliyun', '*': 'tencent' }, '+8529123456', tencent],
    [{ '*': 'aliyun' }, '+447700900123', aliyun],
  ];
  it.each(cases)('%j routes %s', (providers, phone, expected) => {
    const route = routeFor(transports, 'sms', shop(providers), { phone });
    expect('transport' in route && route.transport).toBe(expected);
  });

  it('a shop routed to a provider it has no account for fails the follow-up with a reason', () => {
    const route = routeFor(transports, 'sms', shop({ CN: 'aliyun' }, false), {
      phone: '+8613800138000',
    });
    expect(route).toEqual({
      error:
        "the shop sends this number's texts through aliyun but has no aliyun SMS account configured",
    });
  });

  it('settings refuse a region or provider it does not know, naming the field', () => {
    const bad = shopSettingsSchema.safeParse({
      sms: { providers: { US: 'aliyun', CN: 'twilio' } },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['sms.providers', 'sms.providers.CN']),
    );
    expect(bad.error?.issues.find((i) => i.code === 'unrecognized_keys')).toMatchObject({
      keys: ['US'],
    });
  });

  it('credentials: a bad secret is left out whole; one transport per account and a new one after rotation', () => {
    expect(parseSmsProviderAccounts({ aliyun: { accessKeyId: 'k' } })).toBeUndefined();
    expect(
      parseSmsProviderAccounts({
        tencent: { secretId: 'a', secretKey: 'b', smsSdkAppId: 'x', signName: 's' },
      }),
    ).toBeUndefined();
    const of = createProviderTransports();
    const record = shop({ CN: 'aliyun' });
    expect(of(record, 'aliyun')).toBe(of(record, 'aliyun'));
    expect(of(record, 'tencent')).toBeUndefined();
    const rotated = shop({ CN: 'aliyun' });
    rotated.smsProviders = {
      aliyun: { accessKeyId: 'k2', accessKeySecret: 's2', signName: '茶小铺' },
    };
    expect(of(rotated, 'aliyun')).not.toBe(of(record, 'aliyun'));
  });
});

describe('delivery reports, fixtures from the providers documentation', () => {
  it('Aliyun SmsReport (help.aliyun.com/document_detail/101867): HTTP push array and one MNS body', () => {
    // The documented example, with its masked values as published.
    const doc = [
      {
        phone_number: '1381111****',
        send_time: '2017-01-01 00:00:00',
        report_time: '2017-01-01 00:00:00',
        success: true,
        err_code: 'DELIVERED',
        err_msg: '用户接收成功',
        sms_size: '1',
        biz_id: '12345********',
        out_id: '67890**',
      },
    ];
    const [report] = fromAliyunReports(aliyunReportsSchema.parse(doc));
    expect(report).toEqual({
      provider: 'aliyun',
      reference: '67890**',
      providerMessageId: '12345********',
      phone: '1381111****',
      delivered: true,
      code: 'DELIVERED',
      description: '用户接收成功',
      at: '2016-12-31T16:00:00.000Z',
    });
    expect(fromAliyunReports(aliyunReportsSchema.parse(doc[0]))).toEqual([report]);
  });

  it('Tencent 短信下发状态通知 (cloud.tencent.com/document/product/382/5807): the callback array', () => {
    const doc = [
      {
        user_receive_time: '2015-10-17 08:03:04',
        nationcode: '86',
        mobile: '13800138000',
        report_status: 'SUCCESS',
        errmsg: 'DELIVRD',
        description: '用户短信送达成功',
        sid: 'xxxxxxx',
      },
    ];
    expect(fromTencentReports(tencentReportsSchema.parse(doc))).toEqual([
      {
        provider: 'tencent',
        providerMessageId: 'xxxxxxx',
        phone: '+8613800138000',
        delivered: true,
        code: 'DELIVRD',
        description: '用户短信送达成功',
        at: '2015-10-17T00:03:04.000Z',
      },
    ]);
    expect(tencentReportsSchema.safeParse([]).success).toBe(false);
    expect(tencentReportsSchema.safeParse([{ ...doc[0], report_status: 'MAYBE' }]).success).toBe(
      false,
    );
  });
});
