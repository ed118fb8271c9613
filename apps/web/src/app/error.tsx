'use client';

import { ErrorBanner } from '../components/error-banner.tsx';

/**
 * A page that failed to render: the same error state as a failed query. Next sends the browser
 * only a digest of a server render error (the message and stack stay in the server's log).
 */
export default function PageError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <ErrorBanner
      error={{
        message: 'This page could not be shown',
        data: { retryable: false, details: error.digest ? `server log reference: ${error.digest}` : null },
      }}
      testId="page-error"
      onRetry={reset}
    />
  );
}
