// Example external implementation: the TypeScript STF behind the subprocess protocol
// (impls/PROTOCOL.md). A client team's program does the same in its own language.
// Run: npx tsx impls/examples/ts-over-stdio.ts

import { encodeOutcome } from '../../core/codec.js';
import { frFromBytes } from '../../core/schema.js';
import { InProcessTsImplementation } from '../adapters/in-process-ts.js';
import { encodeFrame, FrameReader } from '../adapters/framing.js';

const impl = new InProcessTsImplementation();
const reader = new FrameReader();
const reply = (m: Record<string, unknown>) => process.stdout.write(encodeFrame(m));

async function handle(req: Record<string, unknown>): Promise<Record<string, unknown>> {
  switch (req.op) {
    case 'hello':
      return { ok: true, name: 'ts-over-stdio', protocol: 1 };
    case 'genesis': {
      if ((req.profile !== 'aztec' && req.profile !== 'small') || !(req.chainId instanceof Uint8Array) || !(req.version instanceof Uint8Array)) {
        return { ok: false, error: 'genesis needs profile, chainId and version' };
      }
      await impl.genesis({ profile: req.profile, chainId: frFromBytes(req.chainId), version: frFromBytes(req.version) });
      return { ok: true };
    }
    case 'apply': {
      if (!(req.checkpoint instanceof Uint8Array)) return { ok: false, error: 'apply needs a binary checkpoint' };
      const r = await impl.apply(req.checkpoint);
      if (r.kind !== 'outcome') return { ok: false, error: `${r.kind}` };
      return { ok: true, outcome: encodeOutcome(r.outcome) };
    }
    case 'snapshot': {
      const s = await impl.snapshot();
      return s instanceof Uint8Array ? { ok: true, state: s } : { ok: false, error: s.kind };
    }
    case 'restore': {
      if (!(req.state instanceof Uint8Array)) return { ok: false, error: 'restore needs a binary state' };
      const r = await impl.restore(req.state);
      return r.kind === 'ok' ? { ok: true } : { ok: false, error: 'message' in r ? r.message : r.kind };
    }
    default:
      return { ok: false, error: `unknown op ${String(req.op)}` };
  }
}

let queue = Promise.resolve();
process.stdin.on('data', (chunk: Buffer) => {
  reader.push(chunk);
  for (let frame = reader.next(); frame !== undefined; frame = reader.next()) {
    const req = frame as Record<string, unknown>;
    queue = queue.then(async () => reply(await handle(req)));
  }
});
