import { Webhook } from 'standardwebhooks';
import { meterCapacity } from '../functions/store/capacity-meter.ts';
import { DEMO_WEBHOOK_SECRET, startLocalStack } from '../local/stack.ts';

/**
 * DynamoDB capacity for the 催付 lifecycle, as DynamoDB Local reports it (ReturnConsumedCapacity):
 * N orders created at 10:00, the first reminder sent at 10:30, paid at 10:45, then two quiet days
 * in which the before-close reminder is cancelled and the sweeps leave paid orders alone.
 */
const orders = Number(process.argv[2] ?? process.env.BENCH_ORDERS ?? 200);
let meter: ReturnType<typeof meterCapacity> | undefined;
const stack = await startLocalStack({
  port: 0,
  dataDir: null,
  clockStart: '2026-11-22T02:00:00Z',
  tickMs: 3_600_000,
  logLevel: 'ERROR',
  instrument: (doc) => {
    meter = meterCapacity(doc);
  },
});
if (!meter) throw new Error('capacity meter not attached');
const m = meter;

const post = async (body: object) => {
  const raw = JSON.stringify(body);
  const id = `msg_${(body as { id: string }).id}`;
  const at = new Date();
  const response = await fetch(`${stack.url}/v1/shops/demo/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(DEMO_WEBHOOK_SECRET).sign(id, at, raw),
    },
    body: raw,
  });
  if (response.status !== 202)
    throw new Error(`intake answered ${response.status}: ${await response.text()}`);
};
const inBatches = async (work: (i: number) => Promise<void>) => {
  for (let i = 0; i < orders; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, orders - i) }, (_, k) => work(i + k)));
  }
};
const order = (i: number) => ({
  id: `B${i}`,
  number: `#${i}`,
  createdAt: '2026-11-22T10:00:00+08:00',
  payBy: '2026-11-23T10:00:00+08:00',
  currency: 'CNY',
  total: '199.00',
  items: [{ sku: 'TEA-250', name: 'Oolong tea 250 g', quantity: 2, price: '99.50' }],
  customer: {
    id: `C${i}`,
    name: '王小明',
    phone: '+8613800138000',
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
  },
  paymentUrl: `https://shop.example.com/pay/B${i}`,
});

const phases: { phase: string; readUnits: number; writeUnits: number; requests: number }[] = [];
const phase = async (name: string, work: () => Promise<unknown>) => {
  m.reset();
  await work();
  phases.push({
    phase: name,
    readUnits: m.totals.readUnits,
    writeUnits: m.totals.writeUnits,
    requests: m.totals.requests,
  });
};

const started = performance.now();
await phase('order.created (intake)', () =>
  inBatches((i) =>
    post({
      id: `evt_${i}_c`,
      type: 'order.created',
      occurredAt: '2026-11-22T10:00:00+08:00',
      order: order(i),
    }),
  ),
);
await phase('first reminder (dispatch + send)', () =>
  stack.advanceTo(new Date('2026-11-22T02:31:00Z')),
);
await phase('order.paid (intake, cancels)', () =>
  inBatches((i) =>
    post({
      id: `evt_${i}_p`,
      type: 'order.paid',
      occurredAt: '2026-11-22T10:45:00+08:00',
      order: { id: `B${i}` },
    }),
  ),
);
await phase('two more days (ticks, sweeps)', () =>
  stack.advanceTo(new Date('2026-11-24T02:31:00Z')),
);
const seconds = (performance.now() - started) / 1000;
const sent = stack.outbox.list().length;
await stack.stop();

const total = phases.reduce((t, p) => ({ r: t.r + p.readUnits, w: t.w + p.writeUnits }), {
  r: 0,
  w: 0,
});
console.log(
  `\n催付 lifecycle, ${orders} orders, ${sent} reminders sent, ${seconds.toFixed(1)} s\n`,
);
console.table(
  phases.map((p) => ({
    phase: p.phase,
    'RCU / order': +(p.readUnits / orders).toFixed(2),
    'WCU / order': +(p.writeUnits / orders).toFixed(2),
    'requests / order': +(p.requests / orders).toFixed(2),
  })),
);
console.log(
  `total per order: ${(total.r / orders).toFixed(2)} RCU, ${(total.w / orders).toFixed(2)} WCU`,
);
