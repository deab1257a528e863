/** GSM 03.38 basic set (one septet each), as a string of the characters a phone can show. */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** The extension table: each costs two septets (an escape and the character). */
const GSM_EXTENSION = '\f^{}\\[~]|€';

const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsParts {
  encoding: SmsEncoding;
  /** Characters as billed: septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  parts: number;
  /** Units one part holds at this length: 160/153 (GSM-7) or 70/67 (UCS-2). */
  perPart: number;
  /** Characters that forced UCS-2, for the marketer to replace. */
  nonGsm: string[];
}

// CR LF is one grapheme but two GSM characters.
const graphemes = (text: string): string[] =>
  Array.from(new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text), (s) =>
    s.segment === '\r\n' ? ['\r', '\n'] : [s.segment],
  ).flat();

const isGsm = (g: string) => g.length === 1 && (basic.has(g) || extension.has(g));

/**
 * Counts SMS parts as carriers bill them. A character is never split across two parts (an
 * escape pair, a surrogate pair, an emoji sequence), so a part may hold one unit fewer.
 */
export const countSmsParts = (text: string): SmsParts => {
  const chars = graphemes(text);
  const nonGsm = [...new Set(chars.filter((g) => !isGsm(g)))];
  const encoding: SmsEncoding = nonGsm.length === 0 ? 'GSM-7' : 'UCS-2';
  const sizes = chars.map((g) => (encoding === 'UCS-2' ? g.length : extension.has(g) ? 2 : 1));
  const units = sizes.reduce((a, b) => a + b, 0);
  const [single, multi] = encoding === 'GSM-7' ? [160, 153] : [70, 67];
  if (units <= single) return { encoding, units, parts: 1, perPart: single, nonGsm };
  let parts = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      parts++;
      used = 0;
    }
    used += size;
  }
  return { encoding, units, parts, perPart: multi, nonGsm };
};

/** China's carriers bill the 【signature】 with the body: count it there if the text lacks it. */
export const chinaBilledText = (body: string, signature: string): string =>
  /^【[^】]+】/.test(body) ? body : `【${signature}】${body}`;
