/**
 * How every function is bundled, shared by the CDK construct and `npm run build`, so the sizes
 * the build prints are the sizes that deploy.
 */
export const BUNDLE_TARGET = 'node24';
export const BUNDLE_MAIN_FIELDS = ['module', 'main'];

/**
 * The AWS SDK v3 is taken from the Lambda runtime, not bundled: bundled, its core alone (~300 KB
 * minified) would break the 300 KB budget per function. The tests run the same major version;
 * the runtime's copy gets AWS's security patches without a redeploy.
 */
export const AWS_SDK_FROM_RUNTIME = ['@aws-sdk/*', '@smithy/*'];

/** esbuild output is ESM; `require` is defined for the CommonJS dependencies it inlines. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export const LAMBDA_ENTRIES = [
  'intake',
  'admin',
  'consent',
  'inbound-sms',
  'dispatcher',
  'sweep',
  'sender',
] as const;
export type LambdaEntry = (typeof LAMBDA_ENTRIES)[number];
