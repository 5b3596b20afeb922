// @sendoff/core/testing: the conformance kit (one set of HTTP checks for every strategy, adapter
// and web server) and the tools its targets are built with. Registers mocha suites.
export { describeConformance } from './conformance.js';
export type { ConformanceFile, ConformanceTarget } from './conformance.js';
export { createPlanServer } from './plan-server.js';
export type { PlanHandler, PlanServer } from './plan-server.js';
export { applyPlan } from '../node/apply-plan.js';
export { fetchResponse, rawResponse } from './http-client.js';
export type { ConformanceResponse } from './http-client.js';
export { expectConnectionToCloseShort, expectFetchToFail } from './cut-short.js';
export type { CutShortCheck } from './cut-short.js';
export { describeCutShort } from './describe-cut-short.js';
export type { CutShortTarget, ReportedFailure } from './describe-cut-short.js';
export { resizedOnOpen } from './resized-on-open.js';
export { describeAdapterConformance } from './adapter-conformance.js';
export type { AdapterConformanceTarget, RunningApp, RunningFrontServer } from './adapter-conformance.js';
export { createAdapterFixture, BAD_KEY_PATHS, LARGE_PATH, MISSING_PATH } from './adapter-fixture.js';
export type { AdapterFixture, ResolveDownload } from './adapter-fixture.js';
export { describeStorage } from './storage-contract.js';
export type { StorageTarget } from './storage-contract.js';
