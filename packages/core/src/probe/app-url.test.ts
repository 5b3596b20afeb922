import { expect } from 'chai';
import { appUrlOf } from './app-url.js';

describe('appUrlOf', () => {
  it('joins an app route to the public URL, keeping its base path and dropping its query and fragment', () => {
    expect(appUrlOf('http://127.0.0.1:8080', '/_sendoff/probe').href).to.equal('http://127.0.0.1:8080/_sendoff/probe');
    expect(appUrlOf('https://example.org/app/', '/_sendoff/probe').href).to.equal('https://example.org/app/_sendoff/probe');
    expect(appUrlOf(new URL('https://example.org/app?x=1#top'), '_sendoff/probe').href).to.equal('https://example.org/app/_sendoff/probe');
  });
});
