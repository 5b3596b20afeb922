import { expect } from 'chai';
import { parseAddress } from './address.js';
import { UsageError } from './io.js';

describe('parseAddress', () => {
  it('reads host:port, [v6]:port and { host, port }', () => {
    expect(parseAddress('127.0.0.1:8080', '--listen')).to.deep.equal({ host: '127.0.0.1', port: 8080 });
    expect(parseAddress('localhost:1', '--listen')).to.deep.equal({ host: 'localhost', port: 1 });
    expect(parseAddress('[::1]:65535', '--listen')).to.deep.equal({ host: '::1', port: 65535 });
    expect(parseAddress({ host: 'app.internal', port: 3000 }, 'server.upstream')).to.deep.equal({ host: 'app.internal', port: 3000 });
  });

  it('refuses anything else with a UsageError naming the option', () => {
    const cases: Array<[unknown, string]> = [
      ['8080', '--listen: expected host:port, got "8080"'],
      ['host:', '--listen: expected host:port, got "host:"'],
      ['::1:80', '--listen: expected host:port, got "::1:80"'],
      ['a b:80', '--listen: expected host:port, got "a b:80"'],
      ['h:0', '--listen: port must be 1-65535, got "h:0"'],
      ['h:70000', '--listen: port must be 1-65535, got "h:70000"'],
      [{ host: 'h', port: 1.5 }, '--listen: port must be 1-65535, got "h:1.5"'],
      [{ host: 'h;evil', port: 80 }, '--listen: invalid host in "h;evil:80"'],
      [42, '--listen: expected host:port, got 42'],
    ];
    for (const [input, message] of cases) {
      expect(() => parseAddress(input, '--listen'), String(input)).to.throw(UsageError, message);
    }
  });
});
