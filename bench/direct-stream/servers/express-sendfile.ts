/** Peer: Express 5 + its own file sender, `res.sendFile` (built on `send`), serving the files root. */
import { createServer } from 'node:http';
import express from 'express';
import { announce, rootFromArgv } from './announce.js';

const root = rootFromArgv();
const app = express();
app.use((req, res) => {
  res.sendFile(req.path, { root }, (error?: Error & { status?: number }) => {
    if (error && !res.headersSent) res.sendStatus(error.status ?? 500);
  });
});
announce(createServer(app));
