// `npm run bench`: every benchmark, side by side, in one run.
import { benchStf } from './stf.bench.js';

await import('./poseidon2.bench.js');
await benchStf();
