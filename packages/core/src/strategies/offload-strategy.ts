/**
 * The shape every offload strategy shares: local files only, served when the delivery header can
 * name them, answered with 200, an empty body, the app's headers, the strategy's own and the
 * delivery header last. A file the header cannot name is refused by `canServe`, so `plan` throws.
 */
import type { DeliveryPlan, DeliveryStrategy, FileFact, ResolvedFile } from '../contracts.js';
import type { LocalRoot } from './local-root.js';
import { notExpressible } from './not-expressible.js';
import { offloadHeaders } from './offload-headers.js';

export interface OffloadSpec<S extends string> {
  name: string;
  server: S;
  root: LocalRoot;
  /** The delivery header, e.g. `X-Accel-Redirect`. */
  header: string;
  /** Its value for a file, or undefined when the server cannot be told about it. */
  valueOf: (file: ResolvedFile) => string | undefined;
  /** Why a file without a value cannot be planned (the error says nothing of the path). */
  refusal: string;
  /** Headers between the app's and the delivery header; gets the app's headers as planned. */
  extraHeaders?: (file: ResolvedFile, appHeaders: Record<string, string>) => Record<string, string>;
  /** The facts of `file.stat` `extraHeaders` reads (default none: the web server reads the file itself). */
  reads?: readonly FileFact[];
}

export interface OffloadStrategyBase<S extends string> extends DeliveryStrategy {
  readonly server: S;
  /** The root as the web server config names it. */
  readonly root: string;
}

export function offloadStrategy<S extends string>(spec: OffloadSpec<S>): OffloadStrategyBase<S> {
  const { name, header, valueOf, extraHeaders } = spec;
  return {
    name,
    server: spec.server,
    locationKinds: ['local'],
    reads: spec.reads ?? [],
    root: spec.root.configured,
    canServe: (file) => valueOf(file) !== undefined,
    async plan(_request, file, opts): Promise<DeliveryPlan> {
      const value = valueOf(file);
      if (value === undefined) throw notExpressible(name, spec.refusal);
      const app = offloadHeaders(opts);
      const extra = extraHeaders ? extraHeaders(file, app) : {};
      return { strategy: name, status: 200, headers: { ...app, ...extra, [header]: value }, body: 'empty' };
    },
  };
}
