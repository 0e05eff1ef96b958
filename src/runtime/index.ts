export { type Clock, type TimerHandle, SystemClock, ManualClock } from './clock.ts';
export { type Random, SeededRandom, hashString, unitFor } from './random.ts';
export { RunFailure } from './failure.ts';
export { installationFrom, REPO_ROOT, RUNS_BUNDLED, bundledEntry, sourceFile, threadScript } from './installation.ts';
export { closeThread, firstMessage, WORKER_RESOURCE_LIMITS } from './thread-start.ts';
export { type BackoffPolicy, backoffDelay } from './backoff.ts';
export { GENESIS, canonicalJson, linkHash, chainNext, verifyChain, parseJsonLines, type Chained, type ChainLink, type ChainVerdict } from './hash-chain.ts';
