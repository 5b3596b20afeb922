import { expect } from 'chai';
import { frontKindOf, isStreamedByApp, whyHeaderLeaked, whyNotOffloaded, whyStatus } from './diagnose.js';

describe('probe diagnosis', () => {
  it('recognises the server from its Server header', () => {
    expect(frontKindOf('nginx')).to.equal('nginx');
    expect(frontKindOf('nginx/1.22.1')).to.equal('nginx');
    expect(frontKindOf('Apache/2.4.62 (Debian)')).to.equal('apache');
    expect(frontKindOf('lighttpd/1.4.69')).to.equal('lighttpd');
    expect(frontKindOf('Caddy')).to.equal('caddy');
    expect(frontKindOf('')).to.equal('unknown');
  });

  it('names a header that reached the client without a server able to consume it', () => {
    expect(whyHeaderLeaked('x-accel-redirect', 'unknown', '/_protected/')).to.equal(
      'X-Accel-Redirect reached the client: no nginx or Caddy in front intercepts it (is the URL the web server, not the app?)');
    expect(whyHeaderLeaked('x-sendfile2', 'lighttpd', '/_protected/')).to.equal(
      'X-Sendfile2 reached the client: over mod_proxy lighttpd honours only X-Sendfile (use the xSendfile strategy)');
  });

  it('reads a status per server', () => {
    expect(whyStatus(403, 'lighttpd', '/p/')).to.equal("got 403: the storage root is not under lighttpd's x-sendfile-docroot");
    expect(whyStatus(502, 'unknown', '/p/')).to.equal('got 502, expected 200');
  });

  it('tells the app streaming the file itself from an offload, and says so for the server in front', () => {
    expect(isStreamedByApp('directStream')).to.equal(true);
    expect(isStreamedByApp('xAccel')).to.equal(false);
    expect(isStreamedByApp('s3Redirect')).to.equal(false);
    expect(whyNotOffloaded('directStream', 'apache')).to.match(/^the app streams the file itself \(directStream\): the offload is not in use; apache only proxies the bytes/);
  });
});
