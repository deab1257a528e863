import { SegmentedMessage } from 'sms-segments-calculator';
import { describe, expect, it } from 'vitest';
import { chinaBilledText, countSmsParts } from '../../functions/domain/rendering/sms-parts.ts';

const at = (n: number, unit: string) => unit.repeat(n);

/** GSM-7, its extension table, Latin accents outside it, Chinese, emoji: the edges of each. */
const corpus = [
  'Hello',
  at(160, 'a'),
  at(161, 'a'),
  at(306, 'a'),
  at(307, 'a'),
  at(459, 'a'),
  at(460, 'a'),
  at(80, '€'),
  at(81, '€'),
  `${at(152, 'a')}€b`,
  `${at(152, 'a')}[${at(10, 'b')}`,
  '[{}]^~|\\ and € are two septets each',
  `${at(70, '{')}${at(30, 'x')}`,
  'é à ç ê: ç and ê are not GSM-7',
  'Curly ’quotes’ force UCS-2',
  'line\r\nbreaks\nand\rreturns',
  at(70, '中'),
  at(71, '中'),
  at(134, '中'),
  at(135, '中'),
  at(201, '中'),
  at(35, '😀'),
  at(36, '😀'),
  `${at(66, 'a')}😀${at(10, 'b')}`,
  at(10, '👨‍👩‍👧'),
  '【小茶馆】王小明您好，订单#1001（乌龙茶 250克 等3件）为您保留到11/23 10:00。https://s.example.com/p/A1001 已付款请忽略。',
  'Tea House: Hi Alex, order #1001 closes at Nov 23, 10:00. If you still want it, you can pay before then. https://s.example.com/p/A1001 Not needed? No action required.',
  '🇨🇳 flags and ❤️ hearts',
];

describe('SMS part count', () => {
  it.each(corpus.map((t) => [t.length > 40 ? `${t.slice(0, 37)}…(${t.length})` : t, t]))(
    'agrees with sms-segments-calculator: %s',
    (_, text) => {
      const reference = new SegmentedMessage(text);
      const ours = countSmsParts(text);
      expect({ encoding: ours.encoding, parts: ours.parts }).toEqual({
        encoding: reference.encodingName,
        parts: reference.segmentsCount,
      });
    },
  );

  it('uses 160/153 for GSM-7 and 70/67 for UCS-2', () => {
    expect(countSmsParts(at(160, 'a'))).toMatchObject({ parts: 1, perPart: 160 });
    expect(countSmsParts(at(161, 'a'))).toMatchObject({ parts: 2, perPart: 153 });
    expect(countSmsParts(at(70, '中'))).toMatchObject({ parts: 1, perPart: 70 });
    expect(countSmsParts(at(71, '中'))).toMatchObject({ parts: 2, perPart: 67 });
  });

  it('names the characters that forced UCS-2', () => {
    expect(countSmsParts('We’re here').nonGsm).toEqual(['’']);
  });

  it('counts the Chinese 【signature】 with the body', () => {
    expect(chinaBilledText('订单已发货', '小茶馆')).toBe('【小茶馆】订单已发货');
    expect(chinaBilledText('【小茶馆】订单已发货', '小茶馆')).toBe('【小茶馆】订单已发货');
    expect(countSmsParts(chinaBilledText(at(66, '中'), '小茶馆')).parts).toBe(2);
  });
});
