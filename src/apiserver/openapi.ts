/**
 * Serving the OpenAPI documents: `/openapi/v2` (JSON, or protobuf for the kubectl versions
 * that ask for it) and `/openapi/v3` with its per group-version documents, with ETags and
 * hash-pinned caching. Documents are built once per server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFoundPath } from '../apimachinery/errors.js';
import {
  computeHash,
  documentResponse,
  serializeDocument,
  type SerializedDocument,
} from '../openapi/etag.js';
import { openapiV2 } from '../openapi/v2.js';
import { OPENAPI_V2_PROTOBUF, acceptsOpenAPIV2Protobuf, openapiV2Protobuf } from '../openapi/v2-protobuf.js';
import { openapiV3Root, serializedV3GroupVersion } from '../openapi/v3.js';
import type { Api } from './api.js';

export class OpenAPIHandler {
  private v2?: { json: SerializedDocument; protobuf: Buffer; protobufHash: string };
  private v3Root?: SerializedDocument;

  constructor(private readonly api: Api) {}

  private documentsV2() {
    if (!this.v2) {
      const doc = openapiV2(this.api.resources, this.api.definitions());
      const protobuf = Buffer.from(openapiV2Protobuf(doc));
      this.v2 = { json: serializeDocument(doc), protobuf, protobufHash: computeHash(protobuf) };
    }
    return this.v2;
  }

  /** Answers `/openapi/v2`, `/openapi/v3` and `/openapi/v3/<group-version>`; returns the status. */
  serve(req: IncomingMessage, res: ServerResponse, url: URL): number {
    const path = url.pathname.replace(/\/+$/, '');
    const ifNoneMatch = req.headers['if-none-match'];
    if (path === '/openapi/v2') {
      const docs = this.documentsV2();
      if (acceptsOpenAPIV2Protobuf(req.headers.accept)) {
        const etag = `"${docs.protobufHash}"`;
        const notModified = ifNoneMatch === etag;
        res.writeHead(notModified ? 304 : 200, {
          ETag: etag,
          Vary: 'Accept',
          'Cache-Control': 'no-cache, private',
          ...(notModified ? {} : { 'Content-Type': OPENAPI_V2_PROTOBUF }),
        });
        res.end(notModified ? undefined : docs.protobuf);
        return res.statusCode;
      }
      return this.write(res, documentResponse(docs.json, { ...(ifNoneMatch ? { ifNoneMatch } : {}) }));
    }
    if (path === '/openapi/v3') {
      this.v3Root ??= serializeDocument(openapiV3Root(this.api.resources, this.api.definitions()));
      return this.write(res, documentResponse(this.v3Root, { ...(ifNoneMatch ? { ifNoneMatch } : {}) }));
    }
    const gv = path.slice('/openapi/v3/'.length);
    const doc = serializedV3GroupVersion(this.api.resources, this.api.definitions(), gv);
    if (!doc) throw notFoundPath();
    return this.write(
      res,
      documentResponse(doc, {
        ...(ifNoneMatch ? { ifNoneMatch } : {}),
        hash: url.searchParams.get('hash'),
        path,
      }),
    );
  }

  private write(res: ServerResponse, r: ReturnType<typeof documentResponse>): number {
    res.writeHead(r.status, r.headers);
    res.end(r.body);
    return r.status;
  }
}
