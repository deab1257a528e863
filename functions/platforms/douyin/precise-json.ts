import { parseJson } from '../../http/parse-body.ts';

/**
 * JSON.parse, with every integer too long for a double kept exactly as a string. Douyin's order
 * ids are 19 digits (4705288465508532862) and sent as JSON numbers; JSON.parse would round them
 * to another order's id. Node 20 has no reviver source access, so the text is rewritten first:
 * a scan that knows where strings are quotes each integer literal of 16 digits or more.
 */
export const parsePreciseJson = (text: string): unknown => parseJson(quoteLongIntegers(text));

export const quoteLongIntegers = (text: string): string => {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    const startsNumber = c === 0x2d || (c >= 0x30 && c <= 0x39);
    if (!startsNumber) continue;
    let end = i + (c === 0x2d ? 1 : 0);
    while (end < text.length && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
    const digits = end - i - (c === 0x2d ? 1 : 0);
    const next = text[end];
    const isInteger = next !== '.' && next !== 'e' && next !== 'E';
    if (isInteger && digits >= 16) {
      out += `${text.slice(from, i)}"${text.slice(i, end)}"`;
      from = end;
    }
    // Skip the whole literal (fraction and exponent too) so its digits are not read again.
    while (end < text.length && /[0-9.eE+-]/.test(text[end] as string)) end++;
    i = end - 1;
  }
  return out + text.slice(from);
};
