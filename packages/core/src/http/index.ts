// @sendoff/core/http: the HTTP semantics of a download (ranges, conditional requests, entity tags,
// dates, Content-Disposition, methods), for adapters and strategies outside the core.
export { contentDisposition, sanitizeFilename, asciiFallback, maskDisguisingCharacters, DEFAULT_FILENAME } from './content-disposition.js';
export { strongEtag, etagOf, isEntityTag, isWeakEtag, isStrongMatch, isWeakMatch, parseEntityTagList } from './etag.js';
export { parseHttpDate, formatHttpDate } from './http-date.js';
export { evaluateConditions, isPreconditionFailure, isFresh, isRangeFresh } from './conditional.js';
export type { Validators, ConditionalOutcome } from './conditional.js';
export { selectRange, contentRange, rangeLength } from './range.js';
export type { RangeSelection } from './range.js';
export { ALLOWED_METHODS, isReadMethod, isHeadMethod, methodNotAllowed } from './method.js';
export { listHeader, singleHeader } from './headers.js';
export { encodeSegment, encodeSegments, withTrailingSlash } from './url-path.js';
export type { RequestHeaders } from './headers.js';
