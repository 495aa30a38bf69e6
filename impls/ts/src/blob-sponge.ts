// The blob sponge (spec §1.4): absorbs a checkpoint's blob fields three at a time; a block header
// commits to the squeeze of a copy taken right after the block's fields.

import { poseidon2Permutation } from './hash/poseidon2.js';
import { BLOB_SPONGE_MAX_FIELDS, P, TWO_POW_64 } from './params.js';

export class BlobSponge {
  private state: bigint[] = [0n, 0n, 0n, BLOB_SPONGE_MAX_FIELDS * TWO_POW_64];
  private cache: bigint[] = [];

  absorb(field: bigint): void {
    if (this.cache.length === 3) {
      this.duplex();
      this.cache = [field];
    } else {
      this.cache.push(field);
    }
  }

  squeeze(): bigint {
    this.duplex();
    return this.state[0];
  }

  copy(): BlobSponge {
    const c = new BlobSponge();
    c.state = this.state.slice();
    c.cache = this.cache.slice();
    return c;
  }

  private duplex(): void {
    for (let i = 0; i < this.cache.length; i++) this.state[i] = (this.state[i] + this.cache[i]) % P;
    this.state = poseidon2Permutation(this.state);
  }
}
