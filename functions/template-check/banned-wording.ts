import type { RuleId } from './rules.ts';

interface WordRule {
  rule: Extract<RuleId, `banned-${string}`>;
  pattern: RegExp;
  why: string;
}

const words = (list: string[]) =>
  list.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

/**
 * Word lists by rule. zh-CN superlatives follow the Advertising Law's 极限用语; 最 is flagged
 * except in time words (最近, 最后, 最晚, 最早, 最终) that claim nothing.
 */
export const WORD_RULES: WordRule[] = [
  {
    rule: 'banned-superlative',
    pattern: /最(?![近后晚早终])/g,
    why: 'superlative 最 (极限用语)',
  },
  {
    rule: 'banned-superlative',
    pattern: new RegExp(
      words([
        '第一',
        '唯一',
        '国家级',
        '世界级',
        '顶级',
        '顶尖',
        '极致',
        '绝对',
        '万能',
        '史上',
        '全网',
        '百分百',
        '100%',
        '首选',
      ]),
      'g',
    ),
    why: 'absolute claim (极限用语)',
  },
  {
    rule: 'banned-superlative',
    pattern: /\b(best ever|world'?s best|number one|no\. ?1|lowest price ever)\b|#1\b/gi,
    why: 'absolute claim',
  },
  {
    rule: 'banned-review-incentive',
    pattern: new RegExp(
      words([
        '好评返现',
        '好评返',
        '好评送',
        '好评有礼',
        '五星好评',
        '5星好评',
        '晒图返现',
        '好评截图',
      ]),
      'g',
    ),
    why: 'reward tied to a positive review (好评返现)',
  },
  {
    rule: 'banned-review-incentive',
    pattern:
      /\b(5|five)[- ]stars?\b[^.!?\n]{0,60}\b(get|gets|receive|earn|win|reward|cash|coupon|discount|gift|refund)\b|\b(get|receive|earn|win)\b[^.!?\n]{0,60}\bfor (a|your) (5|five)[- ]star|\bpositive review\b[^.!?\n]{0,60}\b(get|receive|earn|cash|coupon|discount|gift|refund)\b/gi,
    why: 'reward tied to the rating (FTC 16 CFR 465.4)',
  },
  {
    rule: 'banned-off-platform',
    pattern: new RegExp(
      `${words(['微信', '加微', 'V信', '威信', '企鹅号', '私下转账', '私下交易', '支付宝转账', '银行卡转账', '转账到'])}|\\b(WeChat|QQ|WhatsApp|Telegram|VX|Venmo|Zelle|Cash ?App|PayPal\\.me|bank transfer|wire transfer)\\b`,
      'gi',
    ),
    why: 'moves the customer off the platform',
  },
];

/** Full Chinese mobile numbers and long international numbers: a masked one serves. */
export const FULL_PHONE = /(?<![\d*])(?:\+?86[- ]?)?1[3-9]\d{9}(?![\d*])|\+\d[\d -]{9,}\d/g;

export interface WordHit {
  rule: WordRule['rule'];
  index: number;
  match: string;
  why: string;
}

export const findBannedWords = (text: string, shopWords: ShopWords = {}): WordHit[] => {
  const hits: WordHit[] = [];
  for (const r of WORD_RULES) {
    for (const m of text.matchAll(r.pattern))
      hits.push({ rule: r.rule, index: m.index, match: m[0], why: r.why });
  }
  for (const [shop, list] of Object.entries(shopWords)) {
    if (list.length === 0) continue;
    for (const m of text.matchAll(new RegExp(words(list), 'gi')))
      hits.push({
        rule: 'banned-shop-word',
        index: m.index,
        match: m[0],
        why: `on shop ${shop}'s list`,
      });
  }
  return hits.sort((a, b) => a.index - b.index);
};

/** Per-shop word lists: shop id → words that shop does not want in its messages. */
export type ShopWords = Record<string, string[]>;
