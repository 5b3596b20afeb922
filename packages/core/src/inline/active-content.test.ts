import { expect } from 'chai';
import { isActiveContentType } from './active-content.js';

describe('isActiveContentType', () => {
  const active = [
    'text/html',
    'text/html; charset=utf-8',
    'TEXT/HTML;charset=UTF-8',
    ' text/html ; charset=utf-8',
    'application/xhtml+xml',
    'image/svg+xml',
    'Image/SVG+XML; charset=utf-8',
    'text/xml',
    'application/xml',
    'application/mathml+xml',
    'application/rss+xml',
    'application/vnd.example+xml',
    'text/xsl',
    'text/javascript',
    'application/javascript',
    'application/x-javascript',
    'text/ecmascript',
    'application/x-shockwave-flash',
    'multipart/x-mixed-replace; boundary=x',
  ];
  for (const type of active) {
    it(`counts ${JSON.stringify(type)} as active`, () => {
      expect(isActiveContentType(type)).to.equal(true);
    });
  }

  // A type nobody can parse may be read by a browser in any way: it counts as active.
  for (const type of ['', 'html', 'text/', '/html', 'text/html text/plain', 'text/plain,text/html', undefined]) {
    it(`counts the unparsable type ${JSON.stringify(type)} as active`, () => {
      expect(isActiveContentType(type)).to.equal(true);
    });
  }

  for (const type of ['image/png', 'image/jpeg', 'application/pdf', 'text/plain; charset=utf-8', 'video/mp4', 'application/json', 'text/csv', 'application/octet-stream', 'application/xml-patch']) {
    it(`counts ${JSON.stringify(type)} as passive`, () => {
      expect(isActiveContentType(type)).to.equal(false);
    });
  }
});
