// Types of scripts/build.js (plain JavaScript so that bin/denpa.js and
// `npm ci` run it with node alone), for the tests and any .ts caller.
export interface EntryPoint {
  /** The bundle is dist/<name>.js. */
  name: string;
  /** From the repository root. */
  source: string;
  /** Built only when the source exists. */
  optional?: boolean;
}
export declare const REPO_ROOT: string;
export declare const DIST_DIR: string;
export declare const ENTRY_POINTS: readonly EntryPoint[];
export declare const SOURCE_ROOTS: readonly string[];
export declare const BUILD_STAMP: string;
export declare function presentEntries(root?: string, entries?: readonly EntryPoint[]): EntryPoint[];
export declare function bundleIsStale(sourceMtimesMs: Iterable<number>, builtAtMs: number | undefined): boolean;
export declare function sourceMtimes(root?: string): number[];
export declare function builtAt(root?: string, entries?: readonly EntryPoint[]): number | undefined;
export declare function needsBuild(root?: string, entries?: readonly EntryPoint[]): boolean;
export declare function buildBundle(root?: string, entries?: readonly EntryPoint[]): Promise<{ files: string[]; ms: number }>;
export declare function ensureBundle(root?: string, entries?: readonly EntryPoint[]): Promise<'fresh' | 'built' | 'kept'>;
