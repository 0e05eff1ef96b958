// Bundling a scenario for the real k6: one self-contained ES module.
//
//   scenario.ts + scenarios/lib/*.ts + src/probe/*.ts   ─┐
//   src/harness/k6-binary/envelope.ts                          ─┼─ esbuild ─▶ one .js file
//   k6, k6/*, https://… imports                         ─┘  (kept as imports: k6 provides them)
//
// Two passes: the first learns what the scenario exports (esbuild's
// metafile), the second bundles a generated entry that re-exports each of
// them by name (`export *` would drop `default`) and wraps `options` and
// `handleSummary` in the envelope.
import { build, type BuildFailure, type Message, type Plugin } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { sourceFile } from '../../runtime/index.ts';
import { K6Error } from './errors.ts';

/** Module names k6 provides; they stay imports in the bundle. */
export const K6_EXTERNALS: readonly string[] = ['k6', 'k6/*', 'https://*', 'http://*'];
/** k6 1.x runs ES2020+ (sobek); esbuild lowers anything newer. */
export const K6_TARGET = 'es2020';

// A source path, also when this code runs bundled: esbuild compiles the envelope into each k6 script.
const ENVELOPE = sourceFile('src/harness/k6-binary/envelope.ts');

/** Names the envelope defines itself rather than re-exporting. */
const WRAPPED = new Set(['options', 'handleSummary']);

export interface BundleResult {
  outFile: string;
  bytes: number;
  /** The scenario's exports as k6 sees them (after the envelope). */
  exports: string[];
  /** The esbuild warnings, one line each. */
  warnings: string[];
}

/** k6 has no Node built-ins: say so instead of esbuild's generic resolve error. */
const noNodeBuiltins: Plugin = {
  name: 'denpa-no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [{ text: `${args.path} is a Node built-in; k6 cannot run it (imported by ${args.importer})` }],
    }));
  },
};

function firstLine(messages: readonly Message[]): string {
  const m = messages[0];
  if (!m) return 'unknown error';
  const where = m.location ? `${m.location.file}:${m.location.line}: ` : '';
  return `${where}${m.text}`;
}

function bundleError(scenarioPath: string, err: unknown): K6Error {
  const failure = err as Partial<BuildFailure>;
  const detail = Array.isArray(failure.errors) ? firstLine(failure.errors) : (err as Error).message;
  return new K6Error('HARNESS_ERR_K6_BUNDLE', `cannot bundle ${scenarioPath} for k6: ${detail}`);
}

const common = {
  bundle: true,
  format: 'esm' as const,
  platform: 'neutral' as const,
  target: K6_TARGET,
  // faker and friends ship ESM under "module"; neutral has no default main fields.
  mainFields: ['module', 'main'],
  conditions: ['import', 'module', 'default'],
  external: [...K6_EXTERNALS],
  plugins: [noNodeBuiltins],
  logLevel: 'silent' as const,
  charset: 'utf8' as const,
  legalComments: 'none' as const,
};

/** The scenario's export names (first pass; nothing written). */
export async function scenarioExports(scenarioPath: string): Promise<string[]> {
  try {
    const result = await build({ ...common, entryPoints: [scenarioPath], write: false, metafile: true, outfile: 'probe.js' });
    const outputs = Object.values(result.metafile.outputs);
    return outputs[0]?.exports ?? [];
  } catch (err) {
    throw bundleError(scenarioPath, err);
  }
}

/** The generated entry module around the scenario. Pure. */
export function envelopeEntry(scenarioPath: string, exportsOfScenario: readonly string[], envelopePath = ENVELOPE): string {
  const s = JSON.stringify(scenarioPath);
  const passed = exportsOfScenario.filter((name) => !WRAPPED.has(name));
  const hasOptions = exportsOfScenario.includes('options');
  const hasSummary = exportsOfScenario.includes('handleSummary');
  const lines = [
    `import { optionsForK6, summaryForK6 } from ${JSON.stringify(envelopePath)};`,
    hasOptions || hasSummary
      ? `import { ${[hasOptions ? 'options as scenarioOptions' : '', hasSummary ? 'handleSummary as scenarioHandleSummary' : ''].filter(Boolean).join(', ')} } from ${s};`
      : '',
    passed.length > 0 ? `export { ${passed.join(', ')} } from ${s};` : `import ${s};`,
    `export const options = optionsForK6(${hasOptions ? 'scenarioOptions' : 'undefined'}).options;`,
    `export function handleSummary(data) {`,
    `  return summaryForK6(data, ${hasSummary ? 'scenarioHandleSummary' : 'undefined'}, __ENV, ${hasOptions ? 'scenarioOptions' : 'undefined'});`,
    `}`,
  ];
  return lines.filter((l) => l !== '').join('\n') + '\n';
}

/**
 * Bundles `scenarioPath` into `outFile`, a single ES module k6 1.x runs:
 * k6 modules and remote imports external, local code (scenario library,
 * probe token) inlined, options and handleSummary wrapped (envelope.ts).
 */
export async function bundleForK6(scenarioPath: string, outFile: string): Promise<BundleResult> {
  const entry = resolve(scenarioPath);
  const names = await scenarioExports(entry);
  if (!names.includes('default') && !names.includes('options')) {
    throw new K6Error('HARNESS_ERR_K6_BUNDLE', `${scenarioPath} exports neither a default function nor options; it is not a k6 scenario`);
  }
  let text: string;
  let warnings: string[];
  try {
    const result = await build({
      ...common,
      stdin: { contents: envelopeEntry(entry, names), resolveDir: dirname(entry), sourcefile: 'denpa-k6-envelope.js', loader: 'js' },
      write: false,
      metafile: true,
      outfile: resolve(outFile),
      banner: { js: `// ${scenarioPath} bundled for k6 by denpa (src/harness/k6-binary/bundle.ts). Do not edit.` },
    });
    const file = result.outputFiles[0];
    if (!file) throw new Error('esbuild produced no output');
    text = file.text;
    warnings = result.warnings.map((w) => firstLine([w]));
  } catch (err) {
    if (err instanceof K6Error) throw err;
    throw bundleError(scenarioPath, err);
  }
  await mkdir(dirname(resolve(outFile)), { recursive: true });
  await writeFile(outFile, text);
  const exported = [...names.filter((n) => !WRAPPED.has(n)), 'options', 'handleSummary'];
  return { outFile: resolve(outFile), bytes: Buffer.byteLength(text), exports: exported, warnings };
}
