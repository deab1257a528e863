import { createHash, createHmac } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { random } from '../../bench/harness/event-mix.ts';
import {
  DEMO_ADMIN_TOKEN,
  DEMO_PEOPLE,
  DEMO_WEBHOOK_SECRET,
  demoPlatformConnections,
  type LocalStack,
} from '../../local/stack.ts';

/** A hostile request: method, path, headers and raw body. */
interface Attack {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** An endpoint under fuzz: how to turn a hostile body or path segment into a request. */
interface Target {
  name: string;
  attack(payload: string, rnd: () => number, kind: string): Attack;
}

const signer = new Webhook(DEMO_WEBHOOK_SECRET);
const signed = (body: string, id = `msg_fuzz_${Math.random()}`, at = new Date()) => ({
  'content-type': 'application/json',
  'webhook-id': id,
  'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
  'webhook-signature': signer.sign(id, at, body),
});

const shopifyConnection = demoPlatformConnections().find((c) => c.platform === 'shopify');
/** Signed as Shopify signs: every hostile body here lacks what a fulfillment event needs. */
const shopifySigned = (body: string, secret = shopifyConnection?.secrets[0] ?? '') => ({
  'content-type': 'application/json',
  'x-shopify-topic': 'fulfillment_events/create',
  'x-shopify-event-id': `fuzz-${Math.random()}`,
  'x-shopify-shop-domain': shopifyConnection?.shopDomain ?? '',
  'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
});

/**
 * A hostile body as a path segment. An empty one becomes `~` (a guest log's prefix), not a plain
 * id: an erasure of an unknown but well-formed id rightly answers 200 with nothing to erase.
 */
const hostileSegment = (payload: string): string =>
  encodeURIComponent(Buffer.from(payload.slice(0, 2000)).toString()) || '~';

/** Signed as WooCommerce (HMAC), Youzan and Douyin (MD5 around the body) sign their pushes. */
const platformSigned = (
  platform: 'woocommerce' | 'youzan' | 'douyin',
  body: string,
): Record<string, string> => {
  const c = demoPlatformConnections().find((x) => x.platform === platform);
  const secret = c?.secrets[0] ?? '';
  const md5 = createHash('md5')
    .update(`${c?.clientId ?? ''}${body}${secret}`, 'utf8')
    .digest('hex');
  if (platform === 'woocommerce') {
    return {
      'content-type': 'application/json',
      'x-wc-webhook-topic': 'order.updated',
      'x-wc-webhook-signature': createHmac('sha256', secret).update(body).digest('base64'),
    };
  }
  return {
    'content-type': 'application/json',
    'event-sign': md5,
    ...(platform === 'douyin' ? { 'app-id': c?.clientId ?? '' } : {}),
  };
};

/** Every endpoint the fuzz covers. A new endpoint (e.g. inbound SMS) is one more line here. */
export const FUZZ_TARGETS: Target[] = [
  {
    name: 'intake (signed)',
    attack: (body, _r, kind) => ({
      kind,
      method: 'POST',
      path: '/v1/shops/demo/events',
      headers: signed(body),
      body,
    }),
  },
  {
    name: 'intake (bad signature)',
    attack: (body, rnd, kind) => {
      const h = signed(body);
      const variants = [
        { ...h, 'webhook-signature': `v1,${Buffer.from(body.slice(0, 32)).toString('base64')}` },
        { ...h, 'webhook-timestamp': '1' },
        { ...h, 'webhook-timestamp': 'NaN' },
        { ...h, 'webhook-signature': 'v1,' },
        { 'content-type': 'application/json' },
        { ...h, 'webhook-id': `${h['webhook-id']}x` },
      ];
      return {
        kind: `${kind}+bad-sig`,
        method: 'POST',
        path: '/v1/shops/demo/events',
        headers: variants[Math.floor(rnd() * variants.length)] ?? {},
        body,
      };
    },
  },
  {
    name: 'Shopify platform endpoint (signed)',
    attack: (body, _r, kind) => ({
      kind,
      method: 'POST',
      path: '/v1/shops/demo/platforms/shopify',
      headers: shopifySigned(body),
      body,
    }),
  },
  {
    name: 'Shopify platform endpoint (bad signature or domain)',
    attack: (body, rnd, kind) => {
      const h = shopifySigned(body);
      const variants = [
        shopifySigned(body, 'not-the-app-secret'),
        { ...h, 'x-shopify-shop-domain': 'someone-else.myshopify.com' },
        { ...h, 'x-shopify-hmac-sha256': Buffer.from(body.slice(0, 32)).toString('base64') },
        { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create' },
      ];
      return {
        kind: `${kind}+bad-sig`,
        method: 'POST',
        path: '/v1/shops/demo/platforms/shopify',
        headers: variants[Math.floor(rnd() * variants.length)] ?? {},
        body,
      };
    },
  },
  ...(['woocommerce', 'youzan', 'douyin'] as const).map(
    (platform): Target => ({
      name: `${platform} platform endpoint (signed)`,
      attack: (body, _r, kind) => ({
        kind,
        method: 'POST',
        path: `/v1/shops/demo/platforms/${platform}`,
        headers: platformSigned(platform, body),
        body,
      }),
    }),
  ),
  {
    name: 'inbound SMS (signed)',
    attack: (body, _r, kind) => ({
      kind,
      method: 'POST',
      path: '/v1/shops/demo/inbound',
      headers: signed(body),
      body,
    }),
  },
  {
    name: 'one-click unsubscribe',
    attack: (payload, _r, kind) => ({
      kind,
      method: 'POST',
      path: `/v1/unsubscribe/${encodeURIComponent(Buffer.from(payload.slice(0, 2000)).toString()) || 'x'}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    }),
  },
  {
    name: 'admin contact preference',
    attack: (body, _r, kind) => ({
      kind,
      method: 'PUT',
      path: '/v1/shops/demo/contacts/sms/%2B8613800138000',
      headers: { authorization: `Bearer ${DEMO_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body,
    }),
  },
  {
    name: 'admin',
    attack: (payload, rnd, kind) => ({
      kind,
      method: 'GET',
      // Well-formed UTF-8 first: a lone surrogate cannot be put in a URL at all.
      path: `/v1/shops/demo/orders/${encodeURIComponent(Buffer.from(payload.slice(0, 2000)).toString()) || 'x'}`,
      headers: {
        authorization:
          rnd() < 0.5
            ? `Bearer ${DEMO_ADMIN_TOKEN}`
            : `Bearer ${Buffer.from(payload.slice(0, 200)).toString('base64')}`,
      },
    }),
  },
  {
    name: 'template draft',
    attack: (body, _r, kind) => ({
      kind,
      method: 'PUT',
      path: '/v1/shops/demo/templates/payment-reminder/first/sms/zh-CN/draft',
      headers: {
        authorization: `Bearer ${DEMO_PEOPLE.editor.token}`,
        'content-type': 'application/json',
      },
      body,
    }),
  },
  {
    name: 'template preview',
    attack: (body, _r, kind) => ({
      kind,
      method: 'POST',
      path: '/v1/shops/demo/templates/payment-reminder/first/sms/zh-CN/preview',
      headers: {
        authorization: `Bearer ${DEMO_PEOPLE.editor.token}`,
        'content-type': 'application/json',
      },
      body,
    }),
  },
  {
    name: 'template key',
    attack: (payload, rnd, kind) => ({
      kind,
      method: rnd() < 0.5 ? 'GET' : 'POST',
      path: `/v1/shops/demo/templates/payment-reminder/${encodeURIComponent(Buffer.from(payload.slice(0, 500)).toString()) || 'x'}/sms/zh-CN${rnd() < 0.5 ? '' : '/publish'}`,
      headers: { authorization: `Bearer ${DEMO_PEOPLE.publisher.token}` },
    }),
  },
  {
    name: 'admin customer erasure',
    attack: (payload, rnd, kind) => ({
      kind,
      method: 'DELETE',
      path: `/v1/shops/demo/customers/${hostileSegment(payload)}`,
      headers: {
        authorization:
          rnd() < 0.5
            ? `Bearer ${DEMO_ADMIN_TOKEN}`
            : `Bearer ${Buffer.from(payload.slice(0, 200)).toString('base64')}`,
      },
    }),
  },
  {
    name: 'admin customer export',
    attack: (payload, rnd, kind) => ({
      kind,
      method: 'GET',
      path: `/v1/shops/demo/customers/${hostileSegment(payload)}/export`,
      headers: {
        authorization:
          rnd() < 0.5
            ? `Bearer ${DEMO_ADMIN_TOKEN}`
            : `Bearer ${Buffer.from(payload.slice(0, 200)).toString('base64')}`,
      },
    }),
  },
];

const ODD_UNICODE = [
  '\u0000',
  '\uFEFF',
  '\u202E',
  '\uD800',
  '𝕏',
  '👩‍👩‍👧',
  'e\u0301',
  '\u2028',
  '回T退订',
  '\\u0000',
];

/** Hostile bodies by kind; each is a string as it would arrive on the wire. */
const GENERATORS: Record<string, (rnd: () => number) => string> = {
  'random bytes': (rnd) =>
    Array.from({ length: Math.floor(rnd() * 200) }, () =>
      String.fromCharCode(Math.floor(rnd() * 0xffff)),
    ).join(''),
  'truncated JSON': (rnd) => {
    const full = JSON.stringify({
      id: 'evt_f',
      type: 'order.created',
      occurredAt: '2026-11-22T10:00:00+08:00',
      order: { id: 'F1', items: [{ sku: 'A', name: 'B', quantity: 1 }] },
    });
    return full.slice(0, Math.floor(rnd() * (full.length - 1)));
  },
  'wrong types': (rnd) => {
    const odd = [null, 1, -1e308, true, [], {}, 'x', [[[]]], { $ne: 1 }];
    const pick = () => odd[Math.floor(rnd() * odd.length)];
    return JSON.stringify({
      id: pick(),
      type: rnd() < 0.5 ? 'order.created' : pick(),
      occurredAt: pick(),
      order: rnd() < 0.3 ? pick() : { id: pick(), items: pick(), customer: pick(), total: pick() },
    });
  },
  '10,000-key object': () =>
    JSON.stringify(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]))),
  'very long strings': (rnd) =>
    JSON.stringify({
      id: 'x'.repeat(Math.floor(rnd() * 200_000)),
      type: 'order.created',
      occurredAt: '2026-11-22T10:00:00+08:00',
      order: { id: 'L1', number: '9'.repeat(100_000) },
    }),
  'odd unicode': (rnd) => {
    const s = Array.from(
      { length: 20 },
      () => ODD_UNICODE[Math.floor(rnd() * ODD_UNICODE.length)],
    ).join('');
    return JSON.stringify({
      id: s,
      type: 'order.created',
      occurredAt: '2026-11-22T10:00:00+08:00',
      order: { id: s, customer: { name: s, email: `${s}@x`, phone: s, timeZone: s, locale: s } },
    });
  },
  '__proto__ and constructor keys': (rnd) =>
    rnd() < 0.5
      ? '{"__proto__":{"polluted":true},"id":"evt_p","type":"order.created","occurredAt":"yesterday","order":{"id":"P1","__proto__":{"x":1}}}'
      : '{"constructor":{"prototype":{"polluted":true}},"id":"evt_c","type":"order.paid","occurredAt":"2026-11-22T10:00:00+08:00","order":{"constructor":"x"}}',
  'deep nesting': (rnd) => `${'['.repeat(5000 + Math.floor(rnd() * 5000))}`,
};

export interface FuzzReport {
  requests: number;
  byStatus: Record<string, number>;
  byKind: Record<string, Record<string, number>>;
  serverErrors: { kind: string; target: string; status: number; body: string }[];
  itemsBefore: number;
  itemsAfter: number;
  replay: { status: number; replayedStatus: number; tamperedStatus: number };
  heapBeforeMb: number;
  heapAfterMb: number;
  alive: boolean;
  polluted: boolean;
}

const countItems = async (stack: LocalStack): Promise<number> => {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stack.table.doc.send(
      new ScanCommand({
        TableName: stack.table.tableName,
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    n += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return n;
};

const gc = (): (() => void) => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
};

const heapMb = (collect: () => void) => {
  collect();
  collect();
  return Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10;
};

/**
 * Hostile requests against every target; every answer must be 4xx (a replay of a request that
 * was accepted answers 200 "duplicate"), nothing is stored, the server stays up and heap flat.
 */
export const fuzz = async (stack: LocalStack, perKind: number, seed = 99): Promise<FuzzReport> => {
  const rnd = random(seed);
  const collect = gc();
  const send = async (a: {
    method: string;
    path: string;
    headers: Record<string, string>;
    body?: string;
  }) => {
    const response = await fetch(`${stack.url}${a.path}`, {
      method: a.method,
      headers: a.headers,
      ...(a.body !== undefined ? { body: a.body } : {}),
    });
    return { status: response.status, body: await response.text() };
  };

  // One genuine event first (carrying a `__proto__` key, which must not pollute anything), so its
  // exact request can be replayed and tampered with below.
  const genuine =
    '{"__proto__":{"polluted":true},"id":"evt_genuine","type":"order.created","occurredAt":"2026-11-22T10:00:00+08:00","order":{"id":"G1","createdAt":"2026-11-22T10:00:00+08:00","constructor":{"prototype":{"polluted":true}}}}';
  const genuineHeaders = signed(genuine, 'msg_genuine');
  const first = await send({
    method: 'POST',
    path: '/v1/shops/demo/events',
    headers: genuineHeaders,
    body: genuine,
  });

  // The genuine event's counters are written from the stream: let them land before counting.
  await stack.drainStreams();
  const itemsBefore = await countItems(stack);
  const heapBeforeMb = heapMb(collect);
  const report: FuzzReport = {
    requests: 0,
    byStatus: {},
    byKind: {},
    serverErrors: [],
    itemsBefore,
    itemsAfter: 0,
    replay: { status: first.status, replayedStatus: 0, tamperedStatus: 0 },
    heapBeforeMb,
    heapAfterMb: 0,
    alive: false,
    polluted: false,
  };
  const replayed = await send({
    method: 'POST',
    path: '/v1/shops/demo/events',
    headers: genuineHeaders,
    body: genuine,
  });
  const tampered = await send({
    method: 'POST',
    path: '/v1/shops/demo/events',
    headers: genuineHeaders,
    body: genuine.replace('G1', 'G2'),
  });
  report.replay.replayedStatus = replayed.status;
  report.replay.tamperedStatus = tampered.status;

  for (const [kind, generate] of Object.entries(GENERATORS)) {
    for (let i = 0; i < perKind; i++) {
      const payload = generate(rnd);
      for (const target of FUZZ_TARGETS) {
        const a = target.attack(payload, rnd, kind);
        let r: { status: number; body: string };
        try {
          r = await send(a);
        } catch (err) {
          r = { status: 599, body: String(err) };
        }
        report.requests++;
        report.byStatus[r.status] = (report.byStatus[r.status] ?? 0) + 1;
        const k = report.byKind[kind] ?? {};
        k[r.status] = (k[r.status] ?? 0) + 1;
        report.byKind[kind] = k;
        if (r.status >= 500 || r.status < 400) {
          report.serverErrors.push({
            kind: a.kind,
            target: target.name,
            status: r.status,
            body: r.body.slice(0, 300),
          });
        }
      }
    }
  }
  await stack.drainStreams();
  report.itemsAfter = await countItems(stack);
  report.heapAfterMb = heapMb(collect);
  report.alive = (await fetch(`${stack.url}/health`)).status === 200;
  report.polluted = ({} as Record<string, unknown>).polluted !== undefined;
  return report;
};
