/**
 * The console's Content-Security-Policy, the same locally and behind CloudFront: scripts and
 * styles from the console's own origin only (no inline script, no injected style attributes;
 * Preact and uPlot style through the CSSOM), no framing by others. `connect` adds the sign-in
 * token endpoint's origin when it is not the console's own (Cognito's domain in AWS).
 */
export const consoleCsp = (connect: string[] = [], frames: string[] = []): string =>
  [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connect].join(' ')}`,
    // Email previews: a document of the API's with its own CSP, in a sandboxed frame.
    `frame-src ${["'self'", ...frames].join(' ')}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
