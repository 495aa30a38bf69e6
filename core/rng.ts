// Small seeded PRNG (SplitMix64): runs are exactly replayable from a seed.

const M64 = (1n << 64n) - 1n;

export class Rng {
  private s: bigint;
  constructor(seed: bigint | number) {
    this.s = BigInt(seed) & M64;
  }
  next64(): bigint {
    this.s = (this.s + 0x9e3779b97f4a7c15n) & M64;
    let z = this.s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
    return z ^ (z >> 31n);
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Number(this.next64() % BigInt(n));
  }
  bool(pTrue = 0.5): boolean {
    return this.int(1_000_000) < pTrue * 1_000_000;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** Uniform field element below `modulus`. */
  field(modulus: bigint): bigint {
    return ((this.next64() << 192n) | (this.next64() << 128n) | (this.next64() << 64n) | this.next64()) % modulus;
  }
}
