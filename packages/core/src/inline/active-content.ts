/**
 * Active content: media types a browser renders as a document that can run script with the
 * origin it was served from. HTML; every XML type, since an XML document may hold an XHTML
 * `<script>` (SVG, XHTML, MathML, RSS, Atom and any `+xml` type); XSLT; JavaScript; and the
 * formats old browsers handed to plug-ins or rendered part by part. A content type that does not
 * parse counts as active too: nobody can say how a browser will read it.
 */
import { mediaTypeEssence } from '../http/media-type.js';

const ACTIVE_TYPES = new Set([
  'text/html',
  'text/xml',
  'application/xml',
  'text/xsl',
  'application/xml-dtd',
  'text/xml-external-parsed-entity',
  'application/xml-external-parsed-entity',
  // The JavaScript MIME types of the WHATWG MIME Sniffing standard.
  'application/ecmascript',
  'application/javascript',
  'application/x-ecmascript',
  'application/x-javascript',
  'text/ecmascript',
  'text/javascript',
  'text/javascript1.0',
  'text/javascript1.1',
  'text/javascript1.2',
  'text/javascript1.3',
  'text/javascript1.4',
  'text/javascript1.5',
  'text/jscript',
  'text/livescript',
  'text/x-ecmascript',
  'text/x-javascript',
  'application/x-shockwave-flash',
  'application/postscript',
  'text/cache-manifest',
  'multipart/x-mixed-replace',
]);

/** Whether a browser rendering `contentType` could run script (see the module comment). */
export function isActiveContentType(contentType: string | undefined): boolean {
  const essence = mediaTypeEssence(contentType);
  return essence === undefined || ACTIVE_TYPES.has(essence) || essence.endsWith('+xml');
}
