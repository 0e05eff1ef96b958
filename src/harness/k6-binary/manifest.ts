// Kubernetes manifests for a distributed run with the k6 operator
// (grafana/k6-operator, TestRun k6.io/v1alpha1): a ConfigMap holding the
// bundled script (and the traffic fixture), then the TestRun that points at
// it. The operator mounts the ConfigMap at /test/ in every runner and gives
// each runner an equal execution segment, so rates and VUs are split among
// `parallelism` runners.
//
// Pure: inputs in, YAML text out.
import { REFERENCE_K6_VERSION } from './binary.ts';
import { K6Error } from './errors.ts';
import { yamlBlock, yamlString } from './yaml-text.ts';

/** Where the k6 operator mounts a script ConfigMap in runner pods. */
export const OPERATOR_MOUNT_DIR = '/test';
/** Kubernetes keeps a ConfigMap under 1 MiB (etcd's value limit). */
export const CONFIGMAP_LIMIT_BYTES = 1_048_576;
/** Runner image matching the pinned k6 (Docker tags carry no `v`). */
export const DEFAULT_RUNNER_IMAGE = `grafana/k6:${REFERENCE_K6_VERSION.replace(/^v/, '')}`;

export interface ManifestFile {
  /** ConfigMap key and file name under /test/. */
  name: string;
  content: string;
}

export interface TestRunInput {
  /** TestRun and ConfigMap name (DNS-1123 label). */
  name: string;
  namespace: string;
  parallelism: number;
  script: ManifestFile;
  /** More files for the ConfigMap, e.g. the traffic fixture. */
  files?: ManifestFile[];
  /** __ENV of every runner. */
  env: Record<string, string>;
  runnerImage?: string;
  /** One runner per node (the operator's podAntiAffinity switch). */
  separate?: boolean;
}

export interface RenderedManifest {
  yaml: string;
  /** Env keys whose values are not safe in spec.arguments, passed as runner env vars instead. */
  envInRunnerEnv: string[];
  configMapBytes: number;
}

// The operator splits spec.arguments on spaces and hands them to `sh -c` in
// its initializer: only values made of these characters travel as `-e`.
const SHELL_SAFE = /^[A-Za-z0-9_./:@%+,=-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Job names are `<name>-<index>` and services `<name>-service-<index>`: leave room under 63.
const NAME = /^[a-z0-9]([-a-z0-9]{0,44}[a-z0-9])?$/;
const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;

function bad(message: string): K6Error {
  return new K6Error('HARNESS_ERR_K6_BAD_ARGUMENT', message);
}

/** A TestRun name from a scenario file name: `otp-steady.ts` -> `denpa-otp-steady`. */
export function testRunNameFor(scenarioFile: string): string {
  const base = scenarioFile.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const slug = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 38);
  return `denpa-${slug || 'scenario'}`.replace(/-+$/, '');
}

/** Validates the input; throws a K6Error naming the offending field. */
export function validateTestRunInput(input: TestRunInput): void {
  if (!NAME.test(input.name)) throw bad(`name ${JSON.stringify(input.name)} must be a DNS-1123 label of at most 46 characters (a-z, 0-9, '-')`);
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(input.namespace)) throw bad(`namespace ${JSON.stringify(input.namespace)} is not a valid Kubernetes namespace`);
  if (!Number.isInteger(input.parallelism) || input.parallelism < 1 || input.parallelism > 1000) {
    throw bad(`parallelism must be an integer from 1 to 1000, got ${input.parallelism}`);
  }
  const names = new Set<string>();
  for (const f of [input.script, ...(input.files ?? [])]) {
    if (!CONFIGMAP_KEY.test(f.name)) throw bad(`file name ${JSON.stringify(f.name)} is not a valid ConfigMap key ([-._a-zA-Z0-9]+)`);
    if (names.has(f.name)) throw bad(`file name ${JSON.stringify(f.name)} appears twice in the ConfigMap`);
    names.add(f.name);
  }
  for (const key of Object.keys(input.env)) if (!ENV_NAME.test(key)) throw bad(`env name ${JSON.stringify(key)} is not a valid __ENV key`);
}

/** Kubernetes expands `$(NAME)` in env values; `$$` is its escape for a literal `$`. */
export function kubernetesEnvValue(value: string): string {
  return value.replace(/\$/g, '$$$$');
}

/** The ConfigMap then the TestRun, as one multi-document YAML text. */
export function renderTestRunManifest(input: TestRunInput): RenderedManifest {
  validateTestRunInput(input);
  const files = [input.script, ...(input.files ?? [])];
  const configMapBytes = files.reduce((n, f) => n + Buffer.byteLength(f.name) + Buffer.byteLength(f.content), 0);
  if (configMapBytes > CONFIGMAP_LIMIT_BYTES) {
    throw bad(`the ConfigMap would hold ${configMapBytes} bytes, over Kubernetes' ${CONFIGMAP_LIMIT_BYTES}; make the fixture smaller or serve the files from a volumeClaim`);
  }

  const args: string[] = ['--no-usage-report'];
  const runnerEnv: [string, string][] = [['K6_NO_USAGE_REPORT', 'true']];
  const envInRunnerEnv: string[] = [];
  for (const [key, value] of Object.entries(input.env).sort(([a], [b]) => a.localeCompare(b))) {
    if (SHELL_SAFE.test(value)) args.push('-e', `${key}=${value}`);
    else {
      runnerEnv.push([key, value]);
      envInRunnerEnv.push(key);
    }
  }

  const labels = ['    app.kubernetes.io/name: "denpa"', '    app.kubernetes.io/component: "load-test"'];
  const configMap = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${yamlString(input.name)}`,
    `  namespace: ${yamlString(input.namespace)}`,
    '  labels:',
    ...labels,
    'data:',
    ...files.map((f) => `  ${yamlString(f.name)}:${yamlBlock(f.content, 2)}`),
  ];
  const testRun = [
    'apiVersion: k6.io/v1alpha1',
    'kind: TestRun',
    'metadata:',
    `  name: ${yamlString(input.name)}`,
    `  namespace: ${yamlString(input.namespace)}`,
    '  labels:',
    ...labels,
    'spec:',
    `  parallelism: ${input.parallelism}`,
    ...(input.separate ? ['  separate: true'] : []),
    '  script:',
    '    configMap:',
    `      name: ${yamlString(input.name)}`,
    `      file: ${yamlString(input.script.name)}`,
    `  arguments: ${yamlString(args.join(' '))}`,
    '  runner:',
    `    image: ${yamlString(input.runnerImage ?? DEFAULT_RUNNER_IMAGE)}`,
    '    env:',
    ...runnerEnv.flatMap(([name, value]) => [`      - name: ${yamlString(name)}`, `        value: ${yamlString(kubernetesEnvValue(value))}`]),
  ];
  const yaml = `---\n${configMap.join('\n')}\n---\n${testRun.join('\n')}\n`;
  return { yaml, envInRunnerEnv, configMapBytes };
}
