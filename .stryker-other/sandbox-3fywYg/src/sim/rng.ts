/** Seeded pseudo-random numbers so the simulated world is the same on every run. */
// @ts-nocheck


/** 32-bit FNV-1a hash of a string, for deriving seeds from names (VINs, ids). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for demo noise. Returns numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic value in [0, 1) for a (seed, key) pair, without keeping generator state. */
export function noise(seed: number, key: string | number): number {
  return seededRandom(hashString(`${seed}:${key}`))();
}
