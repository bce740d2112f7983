/**
 * The package version, in one place: the CLI's --version, results.json, model
 * bundles and the extraction cache key read it from here. test/version.test.ts
 * keeps it equal to package.json's "version" (a JSON import would tie the
 * emitted path to the build layout and the browser bundle to package.json).
 */
export const TOOL_VERSION = '0.1.0';
