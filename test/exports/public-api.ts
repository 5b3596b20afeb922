/**
 * The public API of every published package as its sources declare it: for each entry point of a
 * package's `exports` (`./dist/x/index.js` is `src/x/index.ts`), the names it exports, a type-only
 * export written `type Name`. Read with the TypeScript compiler over the workspace tsconfig.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '../consumer/pack-workspaces.js';

/** Entry point (`@sendoff/core/http`) → its sorted export names. */
export type PublicApi = Record<string, string[]>;

interface Manifest {
  name: string;
  private?: boolean;
  workspaces?: string[];
  exports?: Record<string, string | { default?: string }>;
}

async function manifestOf(dir: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Each public entry point and the source file that declares it. */
export async function publicEntryPoints(): Promise<Record<string, string>> {
  const root = await manifestOf(REPO_ROOT);
  const entries: Record<string, string> = {};
  for (const dir of root.workspaces ?? []) {
    const manifest = await manifestOf(join(REPO_ROOT, dir));
    if (manifest.private === true) continue;
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const file = typeof target === 'string' ? target : target.default;
      if (file === undefined || !file.startsWith('./dist/')) continue;
      const source = join(REPO_ROOT, dir, 'src', file.slice('./dist/'.length).replace(/\.js$/, '.ts'));
      entries[subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`] = source;
    }
  }
  return entries;
}

/** The export names of every public entry point. */
export async function readPublicApi(): Promise<PublicApi> {
  const entries = await publicEntryPoints();
  const config = ts.getParsedCommandLineOfConfigFile(join(REPO_ROOT, 'tsconfig.workspace.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  const program = ts.createProgram(Object.values(entries), { ...config?.options, noEmit: true });
  const checker = program.getTypeChecker();
  const api: PublicApi = {};
  for (const [entry, file] of Object.entries(entries)) {
    const source = program.getSourceFile(file);
    const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (module === undefined) throw new Error(`${entry}: cannot read ${file}`);
    api[entry] = checker.getExportsOfModule(module).map((symbol) => nameOf(checker, symbol)).sort(byName);
  }
  return api;
}

function nameOf(checker: ts.TypeChecker, symbol: ts.Symbol): string {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const typeOnly = (target.flags & ts.SymbolFlags.Value) === 0 || isTypeOnlyExport(symbol);
  return typeOnly ? `type ${symbol.name}` : symbol.name;
}

/** `export type { X }` of a class or function: only its type is exported. */
function isTypeOnlyExport(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some((declaration) => ts.isExportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly));
}

function byName(a: string, b: string): number {
  const bare = (name: string) => name.replace(/^type /, '');
  return bare(a).localeCompare(bare(b), 'en') || a.localeCompare(b, 'en');
}
