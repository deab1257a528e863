import type { IncomingMessage, ServerResponse } from 'node:http';
import { consoleCsp } from '../console/csp.ts';
import type { ConsoleConfig } from '../console/src/config-types.ts';
import { CONSOLE_API_PREFIX } from '../functions/handlers/console-api.ts';
import { buildConsole, type ConsoleBuild } from '../scripts/build-console.ts';
import { LOCAL_ISSUER_PATH, type LocalIssuer } from './console-issuer.ts';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

export interface ConsoleServer {
  /** Serves /console/… and the local issuer; false for any other path. */
  handle(req: IncomingMessage, url: URL, body: string, res: ServerResponse): Promise<boolean>;
}

/**
 * The console at /console, built by esbuild from console/ on its first request (a few hundred
 * milliseconds) and kept in memory, with the same security headers CloudFront adds in AWS.
 */
export const createConsoleServer = (issuer: LocalIssuer): ConsoleServer => {
  let built: Promise<ConsoleBuild> | undefined;
  const config = (): ConsoleConfig => ({
    apiBase: CONSOLE_API_PREFIX,
    auth: {
      authorizeUrl: `${LOCAL_ISSUER_PATH}/oauth2/authorize`,
      tokenUrl: `${LOCAL_ISSUER_PATH}/oauth2/token`,
      logoutUrl: `${LOCAL_ISSUER_PATH}/logout`,
      clientId: issuer.clientId,
      scope: 'openid email',
    },
  });
  const headers = (type: string) => ({
    'content-type': type,
    'cache-control': 'no-cache',
    'content-security-policy': consoleCsp(),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  });
  return {
    async handle(req, url, body, res) {
      if (issuer.handle(req.method ?? 'GET', url, body, res)) return true;
      if (req.method !== 'GET') return false;
      if (url.pathname === '/console') {
        res.writeHead(302, { location: `/console/${url.search}` });
        res.end();
        return true;
      }
      if (!url.pathname.startsWith('/console/')) return false;
      const path = url.pathname.slice('/console/'.length) || 'index.html';
      if (path === 'config.json') {
        res.writeHead(200, headers(TYPES.json ?? ''));
        res.end(JSON.stringify(config()));
        return true;
      }
      // A failed build (a syntax error while editing) is tried again on the next request.
      built ??= buildConsole().catch((err) => {
        built = undefined;
        throw err;
      });
      const asset = (await built).assets.find((a) => a.path === path);
      if (!asset) return false;
      res.writeHead(200, headers(TYPES[path.split('.').pop() ?? ''] ?? 'application/octet-stream'));
      res.end(asset.contents);
      return true;
    },
  };
};
