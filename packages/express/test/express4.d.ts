// Express 4, installed under the alias `express4` for the tests, typed with Express 5's
// declarations: the tests use only what both versions share.
declare module 'express4' {
  import express from 'express';
  export default express;
}
