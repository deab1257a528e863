/** What the console needs to know about where it runs; served beside it as config.json. */
export interface ConsoleConfig {
  /** Path prefix of the console's API routes on the same origin, e.g. "/console-api". */
  apiBase: string;
  auth: {
    authorizeUrl: string;
    tokenUrl: string;
    logoutUrl: string;
    clientId: string;
    scope: string;
  };
}
