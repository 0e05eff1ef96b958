// Reports of a run: the RunResult shape and its renderers.
export * from './types.ts';
