/**
 * A download whose file changes size after the plan announced its length, through the Fastify
 * plugin: Fastify destroys the connection short of the announced length (no error body after the
 * 200 head, even with an error handler in the app) and logs the stream's error, which is how the
 * app hears of it; the app's error handler is never called once the head is out.
 */
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { expect } from 'chai';
import { describeCutShort } from '@sendoff/core/testing';
import { sendoff } from '../src/index.js';
import { listen } from './app.js';

interface LogLine {
  level: number;
  msg: string;
  err?: { type?: string; message?: string; code?: string };
}

const logged: LogLine[] = [];
const handled: unknown[] = [];

describeCutShort('@sendoff/fastify', {
  async start(deliverer) {
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logged.push(JSON.parse(line) as LogLine);
        callback();
      },
    });
    const app = Fastify({ logger: { level: 'warn', stream: logStream } });
    await app.register(sendoff, { deliverer });
    // What apps add: render errors as JSON. It must never get to write after the head.
    app.setErrorHandler(async (error, _request, reply) => {
      handled.push(error);
      return reply.code(500).send({ error: 'internal' });
    });
    app.get('/*', async (request, reply) => reply.sendoff({ key: request.url.slice(1) }));
    return listen(app);
  },
  async reported(transfer) {
    const before = logged.length;
    await transfer();
    while (logged.length === before) await new Promise((resolve) => setImmediate(resolve));
    const line = logged.at(-1)!;
    expect(line.msg).to.equal('response terminated with an error with headers already sent');
    expect(line.err).to.include({ type: 'SendoffError' });
    expect(handled).to.deep.equal([]);
    return line.err!;
  },
});
