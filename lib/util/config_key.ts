/**
 * Keys for run configurations: a canonical JSON form (object keys sorted, what JSON drops
 * dropped) hashed with SHA-256, so two configurations get the same key exactly when they hold
 * the same values; and a short account of how two configurations differ, for messages.
 * @module
 */

/** JSON with every object's keys sorted (undefined values and functions dropped, as JSON). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  }) ?? "null";
}

/** SHA-256 of bytes or of a string's UTF-8, as lowercase hex. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The key of a configuration: SHA-256 hex of its canonical JSON. */
export function configKey(config: unknown): Promise<string> {
  return sha256Hex(canonicalJson(config));
}

function leaves(value: unknown, path: string, out: Map<string, string>): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else if (value !== undefined && typeof value !== "function") {
    out.set(path, JSON.stringify(value));
  }
}

/**
 * How configuration `a` differs from `b`, one `path a, not b` per differing leaf (arrays
 * compared whole), e.g. `["seed 1, not 0", "overrides.epochs 3, not (none)"]`.
 */
export function configDiff(a: unknown, b: unknown): string[] {
  const la = new Map<string, string>(), lb = new Map<string, string>();
  leaves(JSON.parse(canonicalJson(a)), "", la);
  leaves(JSON.parse(canonicalJson(b)), "", lb);
  const out: string[] = [];
  for (const path of [...new Set([...la.keys(), ...lb.keys()])].sort()) {
    const x = la.get(path), y = lb.get(path);
    if (x !== y) out.push(`${path || "(value)"} ${x ?? "(none)"}, not ${y ?? "(none)"}`);
  }
  return out;
}
