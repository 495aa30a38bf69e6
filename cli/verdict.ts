// The verdict `difftower verify-evidence` prints and exits with. The evidence is confirmed only when
// every check passed: a council member must never read CONFIRMED (exit 0) next to a [FAIL] line,
// whatever weight the checker (watch/verify.ts) gives each check.

export interface EvidenceCheckResult {
  verdict: 'confirmed' | 'rejected';
  summary: string;
  checks: readonly { name: string; ok: boolean; detail: string }[];
}

export function evidenceVerdict(v: EvidenceCheckResult): { confirmed: boolean; summary: string } {
  const failed = v.checks.filter((c) => !c.ok);
  if (v.verdict === 'confirmed' && failed.length === 0) return { confirmed: true, summary: v.summary };
  if (v.verdict !== 'confirmed') return { confirmed: false, summary: v.summary.startsWith('NOT CONFIRMED') ? v.summary : `NOT CONFIRMED: ${v.summary}` };
  // The checker accepts the evidence but a check failed (e.g. the checkpoint is no longer pending).
  return { confirmed: false, summary: `NOT CONFIRMED: ${failed.map((c) => `${c.name}: ${c.detail}`).join('; ')} (the other checks hold)` };
}
