/** A plan provider for the adapters' tests: answers what the test gives it, remembers what it was asked and counts the streams opened. */
import { Readable } from 'node:stream';
import type { DeliveryPlan, DeliveryRequest } from '@sendoff/core';

export class FakePlanProvider {
  requests: DeliveryRequest[] = [];
  options: unknown[] = [];
  opened = 0;

  constructor(private readonly answer: (request: DeliveryRequest) => DeliveryPlan | Promise<DeliveryPlan>) {}

  async deliver(request: DeliveryRequest, options: unknown): Promise<DeliveryPlan> {
    this.requests.push(request);
    this.options.push(options);
    return this.answer(request);
  }

  /** A 200 stream plan of `bytes` (text/plain, an attachment named a.txt) whose opens are counted. */
  streamPlan(bytes: Buffer): DeliveryPlan {
    return {
      strategy: 'fake',
      status: 200,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Disposition': 'attachment; filename="a.txt"' },
      body: 'stream',
      length: bytes.length,
      open: async () => {
        this.opened += 1;
        return Readable.from([bytes]);
      },
    };
  }
}
