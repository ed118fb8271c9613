/**
 * Splits a byte stream into lines as chunks arrive (a line may span chunks; a chunk may hold
 * many lines). Client-safe, no dependencies.
 */
export function createLineSplitter(): { push(chunk: Uint8Array): string[]; end(): string[] } {
  const decoder = new TextDecoder();
  let rest = '';
  const take = (text: string): string[] => {
    rest += text;
    const parts = rest.split('\n');
    rest = parts.pop() ?? '';
    return parts.filter((l) => l.trim() !== '');
  };
  return {
    push: (chunk) => take(decoder.decode(chunk, { stream: true })),
    end: () => {
      const last = take(decoder.decode()).concat(rest.trim() === '' ? [] : [rest]);
      rest = '';
      return last;
    },
  };
}
