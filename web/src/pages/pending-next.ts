// Where a person was heading before signing up (e.g. an invitation), kept across the email
// confirmation, which may open in another tab. A path on this site only; it expires.
const KEY = 'gatehouse:next';
const LIFETIME_MS = 24 * 60 * 60 * 1000;

export function rememberNext(path: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ path, at: Date.now() }));
  } catch {
    // Storage may be off (private mode): the person follows the link again.
  }
}

let taken: string | null | undefined;

/** The remembered path, read once per page load (later calls see the same answer). */
export function takeNext(): string | null {
  if (taken === undefined) taken = readAndForget();
  return taken;
}

function readAndForget(): string | null {
  try {
    const raw = localStorage.getItem(KEY);
    localStorage.removeItem(KEY);
    const saved = raw ? (JSON.parse(raw) as { path?: unknown; at?: unknown }) : null;
    if (!saved || typeof saved.path !== 'string' || typeof saved.at !== 'number') return null;
    return Date.now() - saved.at < LIFETIME_MS ? saved.path : null;
  } catch {
    return null;
  }
}
