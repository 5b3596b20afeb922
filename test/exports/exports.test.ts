/**
 * The public API of every published package, entry point by entry point, against the committed
 * list in exports.snapshot.json: adding or removing an export is a decision, and the diff says
 * which. After a deliberate change, rewrite the list with
 * `UPDATE_EXPORTS=1 npx mocha test/exports/exports.test.ts` and commit it.
 */
import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readPublicApi, type PublicApi } from './public-api.js';

const SNAPSHOT = fileURLToPath(new URL('exports.snapshot.json', import.meta.url));

describe('the public API of the published packages', function () {
  this.timeout(120_000);
  let actual: PublicApi = {};
  let expected: PublicApi = {};

  before(async () => {
    actual = await readPublicApi();
    if (process.env.UPDATE_EXPORTS === '1') await writeFile(SNAPSHOT, `${JSON.stringify(actual, null, 2)}\n`);
    expected = JSON.parse(await readFile(SNAPSHOT, 'utf8')) as PublicApi;
  });

  it('has the entry points of the list', () => {
    expect(Object.keys(actual)).to.deep.equal(Object.keys(expected));
  });

  it('exports exactly the names of the list from each entry point', () => {
    const changes = Object.keys({ ...expected, ...actual }).flatMap((entry) => changesOf(entry, expected[entry] ?? [], actual[entry] ?? []));
    expect(changes, 'exports added (+) or removed (-) since exports.snapshot.json').to.deep.equal([]);
  });
});

function changesOf(entry: string, before: string[], after: string[]): string[] {
  const added = after.filter((name) => !before.includes(name)).map((name) => `${entry}: + ${name}`);
  const removed = before.filter((name) => !after.includes(name)).map((name) => `${entry}: - ${name}`);
  return [...added, ...removed];
}
