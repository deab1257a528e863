/** What an inbound text asks for: carriers' STOP words (US/EU) and 退订 / T / TD (China). */
export type KeywordIntent = 'opt-out' | 'opt-in';

const OPT_OUT = new Set([
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'T',
  'TD',
  'R',
  '退订',
  '退定',
  '取消订阅',
]);
const OPT_IN = new Set(['START', 'UNSTOP', 'SUBSCRIBE', '订阅']);

/**
 * The whole message must be the keyword (after trimming, full-width folding and case), so a
 * customer writing "please don't stop my order" is not unsubscribed.
 */
export const keywordIntent = (text: string): KeywordIntent | undefined => {
  const word = text
    .normalize('NFKC')
    .trim()
    .replace(/[\s.!。！]+$/u, '')
    .toUpperCase();
  if (OPT_OUT.has(word)) return 'opt-out';
  if (OPT_IN.has(word)) return 'opt-in';
  return undefined;
};
