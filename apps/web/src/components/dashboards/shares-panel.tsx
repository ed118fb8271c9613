'use client';

import { useQuery } from '@tanstack/react-query';
import { useDashboardActions } from '../../hooks/dashboards.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { QueryError } from '../error-banner.tsx';
import { formatWhen } from '../processors/when.ts';
import { Button, Card, MutationError, Table } from '../ui/index.ts';
import styles from './dashboards.module.css';

/** The dashboard's read-only links: a new one (its token shown once) and revoking each. */
export function SharesPanel({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const shares = useQuery(trpc.dashboards.shares.queryOptions({ slug }));
  const { share, revokeShare } = useDashboardActions();
  return (
    <Card title="Share links" testId="dashboard-shares">
      <Button onClick={() => share.mutate({ slug })} disabled={share.isPending} testId="share-dashboard">
        New read-only link
      </Button>
      {share.data && (
        <p className={styles.share} data-testid="share-token">
          Open without signing in (shown once): /shared/{share.data.token}
        </p>
      )}
      <MutationError error={share.error ?? revokeShare.error} testId="share-error" />
      <QueryError queries={shares} compact />
      {(shares.data ?? []).length > 0 && (
        <Table dense>
          <tbody>
            {(shares.data ?? []).map((s) => (
              <tr key={s.id} data-testid="share-row" data-revoked={s.revokedAt !== null}>
                <td className="small">
                  {formatWhen(s.createdAt)} · {s.createdBy}
                </td>
                <td className="small">{s.revokedAt ? `revoked ${formatWhen(s.revokedAt)}` : 'open'}</td>
                <td>
                  {!s.revokedAt && (
                    <Button
                      size="small"
                      variant="danger"
                      onClick={() => revokeShare.mutate({ id: s.id })}
                      disabled={revokeShare.isPending}
                      testId="revoke-share"
                    >
                      Revoke
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
