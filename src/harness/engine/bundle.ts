// Bundle a k6 script (TypeScript or JavaScript) for the built-in engine.
//
// esbuild bundles the script and its local imports into one CommonJS body;
// an onResolve plugin turns every `k6` / `k6/*` import into a virtual module
// that asks the wrapper for the VU's own implementation:
//
//   (function (__denpaK6, __ENV, open) { ...bundle...; return module.exports })
//
// The wrapper is compiled once (vm.Script) and called once per VU: each call
// runs the script's init code again and gets fresh module state, as a k6 VU
// does, at the cost of a function call (no module cache busting, no vm
// context per VU). globalThis is shared by all VUs (unlike k6); scripts that
// keep state in module scope, as k6 scripts do, are isolated per VU.

import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import vm from 'node:vm';
import * as esbuild from 'esbuild';
import { ScriptBundleError, UnsupportedApiError } from './errors.ts';
import { K6_MODULES, moduleShortName } from './k6-modules/index.ts';

/** One VU's instance of the script: its exports. */
export type ScriptFactory = (k6: (name: string) => Record<string, unknown>, env: Record<string, string>, open: (path: string, mode?: string) => unknown) => Record<string, unknown>;

export interface BundledScript {
  readonly scriptPath: string;
  readonly scriptDir: string;
  readonly code: string;
  readonly factory: ScriptFactory;
}

const IMPORT = /import\s+(?:([A-Za-z_$][\w$]*)\s*,?\s*)?(?:\*\s+as\s+([A-Za-z_$][\w$]*)\s*)?(?:\{[^}]*\}\s*)?from\s*['"](k6(?:\/[\w/-]+)?)['"]/g;

/**
 * Member accesses on a k6 module's default or namespace import that the
 * engine does not implement, e.g. `http.batch`: listed with file and line so
 * the run fails at once instead of at the first call.
 */
export function findUnsupportedMembers(source: string, file: string): string[] {
  const problems: string[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const module = m[3] as string;
    const supported = K6_MODULES[module];
    if (!supported) continue; // the resolver reports unknown modules
    for (const alias of [m[1], m[2]]) {
      if (!alias) continue;
      const use = new RegExp(`(?<![\\w$.])${alias.replace(/\$/g, '\\$')}\\s*\\.\\s*([A-Za-z_$][\\w$]*)`, 'g');
      for (const u of source.matchAll(use)) {
        const member = u[1] as string;
        if (supported.includes(member) || member === 'default') continue;
        const line = source.slice(0, u.index).split('\n').length;
        problems.push(`${file}:${line}: ${moduleShortName(module)}.${member} (from "${module}")`);
      }
    }
  }
  return problems;
}

function virtualModule(name: string): string {
  const members = K6_MODULES[name] as readonly string[];
  return [
    `const m = __denpaK6(${JSON.stringify(name)});`,
    'export default m.default;',
    ...members.map((x) => `export const ${x} = m[${JSON.stringify(x)}];`),
  ].join('\n');
}

const k6Plugin: esbuild.Plugin = {
  name: 'denpa-k6-modules',
  setup(build) {
    build.onResolve({ filter: /^k6(\/.*)?$/ }, (args) => {
      if (K6_MODULES[args.path]) return { path: args.path, namespace: 'k6' };
      return { errors: [{ text: `the built-in engine does not support the module "${args.path}" (supported: ${Object.keys(K6_MODULES).join(', ')})` }] };
    });
    build.onResolve({ filter: /^(https?:)?\/\// }, (args) => ({ errors: [{ text: `remote import "${args.path}" is not supported by the built-in engine: vendor it as a local file` }] }));
    build.onResolve({ filter: /^node:/ }, (args) => ({ errors: [{ text: `"${args.path}": k6 scripts cannot import Node built-ins` }] }));
    build.onLoad({ filter: /.*/, namespace: 'k6' }, (args) => ({ contents: virtualModule(args.path), loader: 'js' }));
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = await readFile(args.path, 'utf8');
      const problems = findUnsupportedMembers(source, args.path);
      if (problems.length > 0) {
        return { errors: problems.map((p) => ({ text: `unsupported k6 API: ${p}` })) };
      }
      return { contents: source, loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js' };
    });
  },
};

/** Bundle and compile a script; throws ScriptBundleError / UnsupportedApiError naming the problem. */
export async function bundleScript(scriptPath: string): Promise<BundledScript> {
  let result: esbuild.BuildResult & { outputFiles: esbuild.OutputFile[] };
  try {
    result = await esbuild.build({
      entryPoints: [scriptPath],
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: 'es2022',
      logLevel: 'silent',
      sourcemap: 'inline',
      plugins: [k6Plugin],
    });
  } catch (err) {
    const failure = err as { errors?: { text: string; location?: { file: string; line: number } | null }[] };
    const errors = failure.errors ?? [];
    const unsupported = errors.find((e) => e.text.startsWith('unsupported k6 API: ') || e.text.includes('does not support the module') || /No matching export in "k6:/.test(e.text));
    const lines = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text));
    if (unsupported) {
      const m = /No matching export in "k6:([^"]+)" for import "([^"]+)"/.exec(unsupported.text);
      const api = m ? `${moduleShortName(m[1] as string)}.${m[2]} (from "${m[1]}")` : unsupported.text.replace(/^unsupported k6 API: /, '');
      throw new UnsupportedApiError(api, lines.length > 1 ? lines.join('; ') : '');
    }
    throw new ScriptBundleError(`cannot bundle ${scriptPath}: ${lines.join('; ') || (err as Error).message}`);
  }
  const code = (result.outputFiles[0] as esbuild.OutputFile).text;
  const wrapper = `(function (__denpaK6, __ENV, open) { var module = { exports: {} }; var exports = module.exports;\n${code}\nreturn module.exports; })`;
  let factory: ScriptFactory;
  try {
    factory = new vm.Script(wrapper, { filename: scriptPath }).runInThisContext() as ScriptFactory;
  } catch (err) {
    throw new ScriptBundleError(`cannot compile ${scriptPath}: ${(err as Error).message}`);
  }
  return { scriptPath, scriptDir: dirname(scriptPath), code, factory };
}
