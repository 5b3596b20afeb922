/** The attribute names sendoff puts on its spans and metrics. */
export const ATTR = {
  strategy: 'sendoff.strategy',
  rule: 'sendoff.rule',
  location: 'sendoff.location.kind',
  size: 'sendoff.file.size',
  body: 'sendoff.plan.body',
  key: 'sendoff.key',
  method: 'http.request.method',
  status: 'http.response.status_code',
  errorType: 'error.type',
  streamBytes: 'sendoff.stream.bytes',
  streamLength: 'sendoff.stream.length',
  streamState: 'sendoff.stream.state',
} as const;
