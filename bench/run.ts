// `npm run bench`: every benchmark, side by side, in one run.
import { benchStf } from './stf.bench.js';

const poseidon = await import('./poseidon2.bench.js').catch(() => null);
if (!poseidon) console.log('(bench/poseidon2.bench.ts not present)');
await benchStf();
