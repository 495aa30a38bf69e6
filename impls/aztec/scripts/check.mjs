// setup:aztec's last step: Aztec's world state starts here and reproduces GENESIS_ARCHIVE_ROOT,
// and bb (through bb.sh) hashes the initial header to GENESIS_BLOCK_HEADER_HASH.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Barretenberg } from '@aztec/bb.js';
import { GENESIS_ARCHIVE_ROOT, GENESIS_BLOCK_HEADER_HASH } from '@aztec/constants';
import { Fr } from '@aztec/foundation/curves/bn254';
import { MerkleTreeId } from '@aztec/stdlib/trees';
import { NativeWorldStateService } from '@aztec/world-state';

await Barretenberg.initSingleton({ bbPath: join(dirname(fileURLToPath(import.meta.url)), '..', 'bb.sh') });
const ws = await NativeWorldStateService.tmp();
const root = Fr.fromBuffer((await ws.getCommitted().getTreeInfo(MerkleTreeId.ARCHIVE)).root).toBigInt();
const hash = (await ws.getInitialHeader().hash()).toBigInt();
await ws.close();
if (root !== BigInt(GENESIS_ARCHIVE_ROOT) || hash !== BigInt(GENESIS_BLOCK_HEADER_HASH)) {
  console.error(`setup:aztec: genesis mismatch: archive root 0x${root.toString(16)}, header hash 0x${hash.toString(16)}`);
  process.exit(1);
}
console.log(`setup:aztec: ready (Aztec world state genesis archive root 0x${root.toString(16).slice(0, 8)}..., header hash matches GENESIS_BLOCK_HEADER_HASH)`);
process.exit(0);
