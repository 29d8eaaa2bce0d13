import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

import type { SiteModel } from '../../model/index.ts';
import { SiteFiles, type SiteFile } from './site-files.ts';

/** Path of the settings file the page loads; the AWS synthesis deploys the same file beside the site. */
export const SITE_CONFIG_PATH = '/strato-config.json';

/** Settings the page needs: where the API is and which user pool to use. Empty `apiUrl` means the same origin. */
export interface SiteRuntimeConfig {
  readonly apiUrl: string;
  readonly region: string;
  readonly userPoolId?: string;
  readonly userPoolClientId?: string;
  /** Endpoint of the Cognito API; locally the local cloud's, absent on AWS where the SDK finds it by region. */
  readonly cognitoEndpoint?: string;
}

/**
 * Serves one site's build folder: content types, ETags and 304, cache headers
 * (immutable for hashed assets), gzip and brotli, single byte ranges, and the
 * single-page-application fallback to index.html.
 */
export class SiteServer {
  readonly #files: SiteFiles;

  constructor(private readonly site: SiteModel, private readonly config: () => SiteRuntimeConfig) {
    this.#files = new SiteFiles(site.dir);
  }

  /** Serves a GET or HEAD request; returns false when the site has nothing for it, so the caller answers. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const urlPath = (req.url ?? '/').split('?', 1)[0]!;

    if (urlPath === SITE_CONFIG_PATH) {
      const body = JSON.stringify(this.config());
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache', 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }

    const file = await this.#find(urlPath);
    if (!file) return false;
    this.#send(req, res, file);
    return true;
  }

  async #find(urlPath: string): Promise<SiteFile | undefined> {
    const resolved = this.#files.resolve(urlPath.endsWith('/') ? urlPath + 'index.html' : urlPath);
    if (!resolved) return undefined;

    const file = await this.#files.read(resolved);
    if (file) return file;

    // Client-side routes such as /photos/42 have no file; a path with an extension is a missing asset and stays 404.
    if (this.site.spa && path.extname(resolved) === '') return this.#files.read(path.join(this.site.dir, 'index.html'));
    return undefined;
  }

  #send(req: IncomingMessage, res: ServerResponse, file: SiteFile) {
    const headers: Record<string, string | number> = {
      'content-type': file.contentType,
      'cache-control': file.cacheControl,
      etag: file.etag,
      'last-modified': file.lastModified,
      'accept-ranges': 'bytes',
      vary: 'accept-encoding',
    };

    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }

    const range = req.headers.range;
    if (range) {
      this.#sendRange(req, res, file, range, headers);
      return;
    }

    const accepted = String(req.headers['accept-encoding'] ?? '');
    let body = file.body;
    if (file.brotli && /\bbr\b/.test(accepted)) {
      body = file.brotli;
      headers['content-encoding'] = 'br';
    } else if (file.gzip && /\bgzip\b/.test(accepted)) {
      body = file.gzip;
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** Serves one byte range (RFC 9110 section 14); several ranges in one request get the whole file, which the RFC allows. */
  #sendRange(req: IncomingMessage, res: ServerResponse, file: SiteFile, range: string, headers: Record<string, string | number>) {
    const size = file.body.length;
    const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (!match || (match[1] === '' && match[2] === '')) {
      headers['content-length'] = size;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : file.body);
      return;
    }

    // `bytes=-N` asks for the last N bytes.
    const start = match[1] === '' ? Math.max(0, size - Number(match[2])) : Number(match[1]);
    const end = match[1] === '' || match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (start >= size || start > end) {
      res.writeHead(416, { 'content-range': `bytes */${size}` });
      res.end();
      return;
    }

    headers['content-range'] = `bytes ${start}-${end}/${size}`;
    headers['content-length'] = end - start + 1;
    res.writeHead(206, headers);
    res.end(req.method === 'HEAD' ? undefined : file.body.subarray(start, end + 1));
  }
}
