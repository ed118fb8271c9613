/**
 * What to tell a person about a failed request. The server's own words are kept; only an input
 * check's list of issues (sent as JSON) is turned into sentences.
 */
export function errorText(err: { message: string } | null | undefined): string {
  if (!err) return '';
  const issues = parseIssues(err.message);
  if (issues) {
    return issues
      .map((i) => {
        const field = i.path.filter((p) => typeof p === 'string' && !WRAPPERS.has(p)).at(-1);
        // A message the contracts wrote names its field already; a generic one gets the field name.
        return field && !i.message.toLowerCase().includes(String(field).toLowerCase()) && i.code !== 'custom'
          ? `${String(field)}: ${i.message}`
          : i.message;
      })
      .join('; ');
  }
  if (/failed to fetch|networkerror|load failed/i.test(err.message)) {
    return 'the console server could not be reached; check your connection and try again';
  }
  return err.message;
}

// Input objects that wrap the fields a person actually typed.
const WRAPPERS = new Set(['filter', 'selection', 'input']);

interface Issue {
  code?: string;
  path: Array<string | number>;
  message: string;
}

function parseIssues(message: string): Issue[] | null {
  if (!message.trimStart().startsWith('[')) return null;
  try {
    const parsed: unknown = JSON.parse(message);
    if (!Array.isArray(parsed) || parsed.length === 0) return null;
    const issues: Issue[] = [];
    for (const item of parsed) {
      if (typeof item !== 'object' || item === null) return null;
      const { message: m, path, code } = item as Record<string, unknown>;
      if (typeof m !== 'string') return null;
      issues.push({
        message: m,
        code: typeof code === 'string' ? code : undefined,
        path: Array.isArray(path) ? path.filter((p) => typeof p === 'string' || typeof p === 'number') : [],
      });
    }
    return issues;
  } catch {
    return null;
  }
}

/** Retry what may pass on a second try (server or network trouble), never a refusal (4xx). */
export function retryUnlessRefused(failureCount: number, err: { data?: { httpStatus?: number } | null }) {
  const status = err.data?.httpStatus;
  if (status !== undefined && status >= 400 && status < 500) return false;
  return failureCount < 1;
}
