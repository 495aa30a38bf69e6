// `npm run bench`: every benchmark, side by side, in one run.
import { benchImpls } from './impls.bench.js';
import { benchStf } from './stf.bench.js';

await import('./poseidon2.bench.js');
await benchStf();
await benchImpls();
const { benchFuzz } = await import('./fuzz.bench.js');
await benchFuzz();
