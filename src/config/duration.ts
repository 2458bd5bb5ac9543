const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const DURATION_PATTERN = /^(\d{1,9})([smhd]?)$/;

/** Parses `90`, `15m`, `1d`… into whole seconds; returns null for anything else. */
export function parseDurationSeconds(value: string): number | null {
  const match = DURATION_PATTERN.exec(value.trim());
  if (!match) return null;
  const [, amount, unit] = match;
  return Number(amount) * UNIT_SECONDS[unit || 's'];
}
