#!/usr/bin/env node
// The installed entry point: run the TypeScript CLI through tsx's loader so
// that a fresh clone needs no build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli.ts');
