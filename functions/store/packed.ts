import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/**
 * JSON as one Brotli-compressed binary attribute. DynamoDB bills writes per started KB, and the
 * long, repetitive JSON of an order or a contact log shrinks to about a third, so an item that
 * would cost two write units costs one (the DynamoDB guide suggests compressing large attributes).
 */
export const pack = (value: unknown): Uint8Array =>
  brotliCompressSync(JSON.stringify(value), {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: 6,
    },
  });

export const unpack = <T>(bytes: Uint8Array): T =>
  JSON.parse(brotliDecompressSync(bytes).toString('utf8')) as T;
