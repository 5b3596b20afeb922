// Request bodies the app will not read whole: a chunked upload that runs past the request limit,
// and requests answered before their body is read (no token, a JSON body over its limit). Each
// must be answered and its connection closed, never drained to the end.
import { expect } from 'chai';
import net from 'node:net';
import { maxRequestBodyBytes } from '../src/settings.js';
import { multipart, useAppWithUsers } from './support.js';

const UPLOAD_LIMIT = 256 * 1024;
/** The most a test client sends before giving up on the server closing the connection. */
const SEND_CAP = 48 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

interface ChunkedExchange {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Whether the server answered before the client had sent SEND_CAP bytes. */
  closedEarly: boolean;
}

/**
 * Sends `head` (which declares a chunked body), then `prefix` and filler chunks until the server
 * answers or SEND_CAP bytes are out (then it ends the body), and reads the answer until the server
 * closes the connection (or stays silent for 5 s: a kept-alive connection).
 */
function sendEndlessChunkedBody(url: string, head: string, prefix: Buffer): Promise<ChunkedExchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    let sent = 0;
    let closed = false;
    let closedEarly = false;
    const socket = net.connect(Number(port), hostname);
    const chunk = (data: Buffer): Buffer => Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
    // Like a browser or curl, the client stops sending once an answer arrives.
    const answered = (): boolean => received.length > 0;
    const pump = (): void => {
      while (!closed && !answered()) {
        if (sent >= SEND_CAP) {
          socket.end(Buffer.from('0\r\n\r\n'));
          return;
        }
        sent += CHUNK.length;
        if (!socket.write(chunk(CHUNK))) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.on('connect', () => {
      socket.write(Buffer.from(head, 'latin1'));
      socket.write(chunk(prefix));
      pump();
    });
    socket.on('data', (data: Buffer) => received.push(data));
    const finish = (): void => {
      if (closed) return;
      closed = true;
      closedEarly = sent < SEND_CAP;
      socket.destroy();
      const raw = Buffer.concat(received).toString('latin1');
      const split = raw.indexOf('\r\n\r\n');
      if (split < 0) {
        reject(new Error(`no response (${raw.length} bytes received)`));
        return;
      }
      const [statusLine = '', ...lines] = raw.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: raw.slice(split + 4), closedEarly });
    };
    socket.on('end', finish);
    socket.on('close', finish);
    // A reset while sending is the server closing a connection it will not read further.
    socket.on('error', finish);
    // Keep-alive without Connection: close: the answer is complete and the socket stays open.
    socket.setTimeout(5_000, finish);
  });
}

function errorCode(exchange: ChunkedExchange): string | undefined {
  const json = exchange.body.slice(exchange.body.indexOf('{'), exchange.body.lastIndexOf('}') + 1);
  return (JSON.parse(json) as { error?: { code?: string } }).error?.code;
}

describe('example app: request bodies it does not read whole', function () {
  this.timeout(60_000);
  const app = useAppWithUsers({ uploadLimitBytes: UPLOAD_LIMIT });

  it('answers 413 with Connection: close to a chunked upload whose other parts run past the request limit, and stops reading', async () => {
    const { body, contentType } = multipart([
      { field: 'file', filename: 'small.txt', bytes: Buffer.from('small') },
      { field: 'other', filename: 'endless.bin', bytes: Buffer.alloc(0) },
    ]);
    // The endless part's bytes follow its part header: cut the body before the closing boundary.
    const openEnded = body.subarray(0, body.lastIndexOf(Buffer.from('\r\n--')));
    const head =
      `POST /api/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${app.alice}\r\n` +
      `Content-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const exchange = await sendEndlessChunkedBody(app.t.url, head, openEnded);
    expect(exchange.status).to.equal(413);
    expect(exchange.headers['connection']).to.equal('close');
    expect(errorCode(exchange)).to.equal('PAYLOAD_TOO_LARGE');
    expect(exchange.body).to.include(String(maxRequestBodyBytes(UPLOAD_LIMIT)));
    expect(exchange.closedEarly).to.equal(true);
  });

  it('answers 401 with Connection: close to a chunked upload without a token, and stops reading', async () => {
    const { body, contentType } = multipart([{ field: 'file', filename: 'a.bin', bytes: Buffer.alloc(0) }]);
    const head = `POST /api/files HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const exchange = await sendEndlessChunkedBody(app.t.url, head, body.subarray(0, body.lastIndexOf(Buffer.from('\r\n--'))));
    expect(exchange.status).to.equal(401);
    expect(exchange.headers['connection']).to.equal('close');
    expect(errorCode(exchange)).to.equal('UNAUTHORIZED');
    expect(exchange.closedEarly).to.equal(true);
  });

  it('answers 413 with Connection: close to a chunked JSON body over its limit, and stops reading', async () => {
    const head = `POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const exchange = await sendEndlessChunkedBody(app.t.url, head, Buffer.from('{"name":"'));
    expect(exchange.status).to.equal(413);
    expect(exchange.headers['connection']).to.equal('close');
    expect(exchange.closedEarly).to.equal(true);
  });

  it('keeps the connection open after an upload it read whole', async () => {
    const { body, contentType } = multipart([{ field: 'file', filename: 'whole.txt', bytes: Buffer.from('whole') }]);
    // fetch keeps connections alive (the test kit's client asks for a close itself).
    const res = await fetch(`${app.t.url}/api/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.alice}`, 'content-type': contentType },
      body: new Uint8Array(body),
    });
    expect(res.status).to.equal(201);
    expect(res.headers.get('connection')).to.equal('keep-alive');
  });

  /** Sends only `head` and resolves with the first response head the server sends. */
  function firstAnswerTo(head: string): Promise<string> {
    const { hostname, port } = new URL(app.t.url);
    return new Promise((resolve, reject) => {
      let received = '';
      const socket = net.connect(Number(port), hostname, () => socket.write(head));
      socket.on('data', (data: Buffer) => {
        received += data.toString('latin1');
        if (received.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(received.slice(0, received.indexOf('\r\n\r\n')));
        }
      });
      socket.on('error', reject);
    });
  }

  it('answers Expect: 100-continue over the request limit with 413 and no 100, and within it with 100 Continue', async () => {
    const over = await firstAnswerTo(
      `POST /api/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${app.alice}\r\nContent-Type: multipart/form-data; boundary=x\r\n` +
        `Content-Length: ${maxRequestBodyBytes(UPLOAD_LIMIT) + 1}\r\nExpect: 100-continue\r\n\r\n`,
    );
    expect(over.split('\r\n')[0]).to.equal('HTTP/1.1 413 Payload Too Large');
    expect(over.toLowerCase()).to.include('connection: close');
    const within = await firstAnswerTo(
      `POST /api/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${app.alice}\r\nContent-Type: multipart/form-data; boundary=x\r\n` +
        `Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n`,
    );
    expect(within.split('\r\n')[0]).to.equal('HTTP/1.1 100 Continue');
  });
});
