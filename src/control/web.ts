// The web page and the browser-facing guards. A POST that a browser sends (it carries Origin
// or Sec-Fetch-Site) must be same-origin and carry the per-server CSRF token the page
// embeds; a cross-site POST is refused outright, also on /RPC2, since a browser may hold
// Basic credentials for the TCP listener. Non-browser clients (the CLI, supervisorctl) send
// neither header and need no token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderPage } from './web-page.ts';

// node:crypto takes a millisecond and more of every supervisor start; only a browser's page or
// POST needs it, so it is loaded then (getBuiltinModule: Node 20.16+; the bundle's require before).
function crypto(): typeof import('node:crypto') {
  return process.getBuiltinModule?.('node:crypto') ?? require('node:crypto');
}

/** Checks POSTs from browsers; one token per server (per pidone run), made when first needed. */
export class BrowserGuard {
  #token: string | null = null;

  get token(): string {
    return (this.#token ??= crypto().randomBytes(24).toString('hex'));
  }

  /** null when the POST may proceed, else why it is refused. */
  refuse(req: IncomingMessage, needToken: boolean): string | null {
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') return 'cross-origin request refused';
    if (origin !== undefined) {
      let host: string;
      try {
        host = new URL(origin).host;
      } catch {
        return 'cross-origin request refused (bad Origin)';
      }
      if (host !== req.headers.host) return 'cross-origin request refused';
    }
    const fromBrowser = origin !== undefined || site !== undefined;
    if (!fromBrowser || !needToken) return null;
    const given = req.headers['x-csrf-token'];
    if (typeof given !== 'string' || given.length !== this.token.length || !crypto().timingSafeEqual(Buffer.from(given), Buffer.from(this.token))) {
      return 'missing or wrong X-CSRF-Token (reload the page)';
    }
    return null;
  }

  /** Serves the page with this server's token and a fresh CSP nonce. */
  page(res: ServerResponse): void {
    const nonce = crypto().randomBytes(16).toString('base64');
    const html = renderPage(this.token, nonce);
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(html),
      'Cache-Control': 'no-store',
      'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.end(html);
  }
}
