// Where the repository is, from source and from the bundle, and how the
// harness starts its service children in each layout.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { installationFrom, REPO_ROOT, RUNS_BUNDLED, bundledEntry, sourceFile } from '../../../src/runtime/index.ts';
import { serviceHostLaunch } from '../../../src/harness/orchestrate/service-process.ts';

describe('installationFrom', () => {
  it('from source: the module is src/runtime/installation.ts, the root two folders up', () => {
    expect(installationFrom(pathToFileURL('/opt/denpa/src/runtime/installation.ts').href)).toEqual({ repoRoot: '/opt/denpa', bundled: false });
  });

  it('bundled: the module is inlined into a file of dist/, the root is its parent', () => {
    expect(installationFrom(pathToFileURL('/opt/denpa/dist/denpa.js').href)).toEqual({ repoRoot: '/opt/denpa', bundled: true });
    expect(installationFrom(pathToFileURL('/opt/denpa/dist/chunk-ABCDEFGH.js').href)).toEqual({ repoRoot: '/opt/denpa', bundled: true });
  });

  it('under vitest this process runs from source, rooted at the repository', () => {
    expect(RUNS_BUNDLED).toBe(false);
    expect(sourceFile('package.json')).toBe(join(REPO_ROOT, 'package.json'));
    expect(bundledEntry('service-host')).toBe(join(REPO_ROOT, 'dist', 'service-host.js'));
  });
});

describe('serviceHostLaunch', () => {
  it('a bundled harness forks the bundled host with plain node (no TypeScript loader)', () => {
    const launch = serviceHostLaunch(true);
    expect(launch.path).toBe(join(REPO_ROOT, 'dist', 'service-host.js'));
    expect(launch.execArgv.join(' ')).not.toMatch(/tsx|--import|--loader/);
  });

  it('from source the host is service-host.ts through the tsx loader', () => {
    const launch = serviceHostLaunch(false);
    expect(launch.path).toBe(join(REPO_ROOT, 'src', 'harness', 'orchestrate', 'service-host.ts'));
    expect(launch.execArgv[0]).toBe('--import');
    expect(launch.execArgv[1]).toMatch(/tsx/);
  });
});
