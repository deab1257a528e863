import { SegmentedMessage } from 'sms-segments-calculator';
import { describe, expect, it } from 'vitest';
import { chinaBilledText, countSmsParts } from '../../functions/domain/rendering/sms-parts.ts';

const at = (n: number, unit: string) => unit.repeat(n);
/** "1234567890123…", n characters long: the bodies of the calculator's own tests. */
const digits = (n: number) => '1234567890'.repeat(Math.ceil(n / 10)).slice(0, n);
const bits = (encoding: string) => (encoding === 'GSM-7' ? 7 : 16);

const SUITE = 'TwilioDevEd/message-segment-calculator tests/index.test.js @a50230f';
const ESCAPES = ['|', '^', '€', '{', '}', '[', ']', '~', '\\'];

/**
 * The published calculator's own cases (sms-segments-calculator is its npm package), ported with
 * their expected encoding, segments and messageSize in bits (units = bits / 7 or / 16).
 * Not ported: its Smart Encoding cases (we never transliterate; the check names the character).
 */
const published: [
  name: string,
  body: string,
  encoding: string,
  parts: number,
  messageSize: number,
][] = [
  ['GSM-7 in one segment', digits(160), 'GSM-7', 1, 1120],
  ['GSM-7 in two segments', digits(161), 'GSM-7', 2, 1127],
  ['GSM-7 in three segments', digits(307), 'GSM-7', 3, 2149],
  ['UCS-2 message in one segment', `😜${digits(69).slice(1)}`, 'UCS-2', 1, 1120],
  ['UCS-2 message in two segments', `😜${digits(70).slice(1)}`, 'UCS-2', 2, 1136],
  ['UCS-2 message in three segments', `😜${digits(134).slice(1)}`, 'UCS-2', 3, 2160],
  [
    'UCS-2 with two bytes extended characters in one segments boundary',
    `🇮🇹${digits(67).slice(1)}`,
    'UCS-2',
    1,
    1120,
  ],
  [
    'UCS-2 with extended characters in two segments boundary',
    `🇮🇹${digits(68).slice(1)}`,
    'UCS-2',
    2,
    1136,
  ],
  [
    'UCS-2 with four bytes extended characters in one segments boundary',
    `🏳️‍🌈${digits(65).slice(1)}`,
    'UCS-2',
    1,
    1120,
  ],
  [
    'UCS-2 with four bytes extended characters in two segments boundary',
    `🏳️‍🌈${digits(66).slice(1)}`,
    'UCS-2',
    2,
    1136,
  ],
  ...ESCAPES.flatMap((c): [string, string, string, number, number][] => [
    [`One segment with escape character ${c}`, `${c}${digits(158)}`, 'GSM-7', 1, 1120],
    [`Two segments with escape character ${c}`, `${c}${digits(159)}`, 'GSM-7', 2, 1127],
  ]),
  ...['Á', 'Ú', 'ú', 'ç', 'í', 'Í', 'ó', 'Ó'].flatMap(
    (c): [string, string, string, number, number][] => [
      [`One segment, 70 characters of "${c}"`, at(70, c), 'UCS-2', 1, 70 * 16],
      [`Two segments, 71 characters of "${c}"`, at(71, c), 'UCS-2', 2, 71 * 16],
    ],
  ),
  [
    'UCS2 message with special GSM characters in one segment (issue #18)',
    `😀${at(68, ']')}`,
    'UCS-2',
    1,
    1120,
  ],
  ['UCS2 message with special GSM characters in two segment', `😀${at(69, ']')}`, 'UCS-2', 2, 1136],
  ['Message with CRLF line break style (11 characters)', '\rabcde\r\n123', 'GSM-7', 1, 11 * 7],
  ['Message with LF line break style (12 characters)', '\nabcde\n\n123\n', 'GSM-7', 1, 12 * 7],
  [
    'Triple accents characters - One Segment test (issue #17)',
    `e\u0301\u0301\u0301${at(66, 'a')}`,
    'UCS-2',
    1,
    1120,
  ],
  [
    'Triple accents characters - Two Segments test',
    `e\u0301\u0301\u0301${at(67, 'a')}`,
    'UCS-2',
    2,
    1136,
  ],
];

/**
 * Edges this project bills on. A counter that divides the units by 153 or 67 (the sweep dry
 * run's old one) says one part fewer wherever a two-unit character would straddle a boundary.
 */
const edges: [name: string, body: string, encoding: string, units: number, parts: number][] = [
  ['exactly 160 GSM-7', at(160, 'a'), 'GSM-7', 160, 1],
  ['161 GSM-7', at(161, 'a'), 'GSM-7', 161, 2],
  ['2 × 153 GSM-7', at(306, 'a'), 'GSM-7', 306, 2],
  ['2 × 153 + 1 GSM-7', at(307, 'a'), 'GSM-7', 307, 3],
  ['3 × 153 GSM-7', at(459, 'a'), 'GSM-7', 459, 3],
  ['3 × 153 + 1 GSM-7', at(460, 'a'), 'GSM-7', 460, 4],
  ['80 €: 160 septets', at(80, '€'), 'GSM-7', 160, 1],
  ['81 €: 162 septets', at(81, '€'), 'GSM-7', 162, 2],
  ...ESCAPES.map((c): [string, string, string, number, number] => [
    `escape ${c} on the 153 boundary`,
    `${at(152, 'a')}${c}${at(152, 'a')}`,
    'GSM-7',
    306,
    3,
  ]),
  ['exactly 70 UCS-2', at(70, '中'), 'UCS-2', 70, 1],
  ['71 UCS-2', at(71, '中'), 'UCS-2', 71, 2],
  ['2 × 67 UCS-2', at(134, '中'), 'UCS-2', 134, 2],
  ['2 × 67 + 1 UCS-2', at(135, '中'), 'UCS-2', 135, 3],
  ['3 × 67 UCS-2', at(201, '中'), 'UCS-2', 201, 3],
  ['3 × 67 + 1 UCS-2', at(202, '中'), 'UCS-2', 202, 4],
  ['emoji on the 67 boundary', `${at(66, '中')}😀${at(66, '中')}`, 'UCS-2', 134, 3],
  ['emoji ending a single part', `${at(68, 'a')}😀`, 'UCS-2', 70, 1],
  ['emoji one unit past a single part', `${at(69, 'a')}😀`, 'UCS-2', 71, 2],
  ['family emoji (one grapheme, 8 units) on the boundary', `${at(66, 'a')}👨‍👩‍👧`, 'UCS-2', 74, 2],
  ['✓ forces UCS-2', `${at(69, 'a')}✓`, 'UCS-2', 70, 1],
  ['empty', '', 'GSM-7', 0, 1],
  [
    'Chinese with the 【signature】 added: 65 + 5 characters',
    chinaBilledText(at(65, '中'), '小茶馆'),
    'UCS-2',
    70,
    1,
  ],
  [
    'Chinese with the 【signature】 added: 66 + 5 characters',
    chinaBilledText(at(66, '中'), '小茶馆'),
    'UCS-2',
    71,
    2,
  ],
  [
    'Chinese already signed: not counted twice',
    chinaBilledText(`【小茶馆】${at(65, '中')}`, '小茶馆'),
    'UCS-2',
    70,
    1,
  ],
];

/** More texts the reference must agree on: GSM-7 edges, Latin outside it, Chinese, emoji. */
const corpus = [
  'Hello',
  `${at(152, 'a')}€b`,
  `${at(152, 'a')}[${at(10, 'b')}`,
  '[{}]^~|\\ and € are two septets each',
  `${at(70, '{')}${at(30, 'x')}`,
  'é à ç ê: ç and ê are not GSM-7',
  'Curly ’quotes’ force UCS-2',
  'line\r\nbreaks\nand\rreturns',
  at(35, '😀'),
  at(36, '😀'),
  `${at(66, 'a')}😀${at(10, 'b')}`,
  at(10, '👨‍👩‍👧'),
  '【小茶馆】王小明您好，订单#1001（乌龙茶 250克 等3件）为您保留到11/23 10:00。https://s.example.com/p/A1001 已付款请忽略。',
  'Tea House: Hi Alex, order #1001 closes at Nov 23, 10:00. If you still want it, you can pay before then. https://s.example.com/p/A1001 Not needed? No action required.',
  '🇨🇳 flags and ❤️ hearts',
];

const label = (t: string) => (t.length > 40 ? `${t.slice(0, 37)}…(${t.length})` : t);

describe('SMS part count (the one counter: domain/rendering/sms-parts.ts)', () => {
  it.each(published)(`${SUITE}: %s`, (_name, body, encoding, parts, messageSize) => {
    const ours = countSmsParts(body);
    expect({ encoding: ours.encoding, parts: ours.parts, units: ours.units }).toEqual({
      encoding,
      parts,
      units: messageSize / bits(encoding),
    });
    const reference = new SegmentedMessage(body);
    expect([reference.encodingName, reference.segmentsCount, reference.messageSize]).toEqual([
      encoding,
      parts,
      messageSize,
    ]);
  });

  it(`${SUITE}: the three-part GSM-7 and UCS-2 texts end with one character in the last part`, () => {
    expect(countSmsParts(digits(307))).toMatchObject({ parts: 3, units: 307, perPart: 153 });
    expect(countSmsParts(`😜${digits(134).slice(1)}`)).toMatchObject({ parts: 3, perPart: 67 });
    expect(countSmsParts(digits(306)).parts).toBe(2);
  });

  it(`${SUITE} (methods.test.js): names the characters that forced UCS-2`, () => {
    expect(countSmsParts('más').nonGsm).toEqual(['á']);
    expect(countSmsParts('We’re here').nonGsm).toEqual(['’']);
  });

  it.each(edges)('%s', (_name, body, encoding, units, parts) => {
    expect(countSmsParts(body)).toMatchObject({ encoding, units, parts });
    const reference = new SegmentedMessage(body);
    expect([reference.encodingName, reference.segmentsCount]).toEqual([encoding, parts]);
  });

  it.each(corpus.map((t) => [label(t), t]))(
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

  it('counts the Chinese 【signature】 with the body, once', () => {
    expect(chinaBilledText('订单已发货', '小茶馆')).toBe('【小茶馆】订单已发货');
    expect(chinaBilledText('【小茶馆】订单已发货', '小茶馆')).toBe('【小茶馆】订单已发货');
  });
});
