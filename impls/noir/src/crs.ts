// Where bb finds the BN254 reference string: DIFFTOWER_CRS (or an explicit path) -> the copy
// committed in impls/noir/crs (hash-checked, copied to a temporary folder because bb writes a
// crs.lock beside the points) -> undefined, i.e. bb.js's own download on a networked machine.

import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NOIR_DIR } from './circuit.js';

export const COMMITTED_CRS = join(NOIR_DIR, 'crs');
const FILES: Record<string, string> = {
  'bn254_g1.dat': 'd769ac6c98f8fab858a7e9967f2b7f181d8ad9fdcdf55438c915696febf0e99c',
  'bn254_g2.dat': '01797bfc4de5a96f0e516a9ea4537d18786dc30cb991aca4274c95822b69c32f',
};

export class CrsError extends Error {}

let committedCopy: string | null = null;

/** The folder to hand bb (crsPath and CRS_PATH), or undefined to let bb.js download. */
export function resolveCrs(explicit?: string): string | undefined {
  const chosen = explicit ?? process.env.DIFFTOWER_CRS;
  if (chosen) {
    if (!existsSync(join(chosen, 'bn254_g1.dat'))) throw new CrsError(`no bn254_g1.dat in ${chosen} (DIFFTOWER_CRS)`);
    return chosen;
  }
  if (!existsSync(join(COMMITTED_CRS, 'bn254_g1.dat'))) return undefined;
  if (!committedCopy) {
    const dir = mkdtempSync(join(tmpdir(), 'difftower-crs-'));
    for (const [name, sha] of Object.entries(FILES)) {
      const bytes = readFileSync(join(COMMITTED_CRS, name));
      const got = createHash('sha256').update(bytes).digest('hex');
      if (got !== sha) throw new CrsError(`${name} in ${COMMITTED_CRS} has sha256 ${got}, expected ${sha}`);
      copyFileSync(join(COMMITTED_CRS, name), join(dir, name));
    }
    committedCopy = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true })); // 2 MB a process

  }
  return committedCopy;
}
