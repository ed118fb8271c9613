/** Expiry choices offered when issuing a key; the server takes any future time. */
export const EXPIRY_PRESETS = [
  { value: 'never', label: 'Never', days: null },
  { value: '7d', label: '7 days', days: 7 },
  { value: '30d', label: '30 days', days: 30 },
  { value: '90d', label: '90 days', days: 90 },
  { value: '365d', label: '1 year', days: 365 },
] as const;
export type ExpiryPreset = (typeof EXPIRY_PRESETS)[number]['value'];

/** The ISO time a preset means from `now`, or null for a key that never expires. */
export function expiresAtOf(preset: ExpiryPreset, now = Date.now()): string | null {
  const days = EXPIRY_PRESETS.find((p) => p.value === preset)?.days ?? null;
  return days === null ? null : new Date(now + days * 86_400_000).toISOString();
}
