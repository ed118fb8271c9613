'use client';

import { identifierSchema } from '@tributary/contracts';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useProcessorActions } from '../../hooks/processors.ts';
import { useCan } from '../../lib/use-can.ts';
import { ErrorBanner } from '../error-banner.tsx';
import { Button, Card, EmptyState } from '../ui/index.ts';
import styles from './sections.module.css';
import { TextField } from './text-field.tsx';

/** Names a new processor (a draft with no version); its steps are edited next, on its page. */
export function NewProcessorForm() {
  const canWrite = useCan('processors:write');
  const router = useRouter();
  const { create } = useProcessorActions();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const nameCheck = identifierSchema.safeParse(name);
  const nameError = name === '' || nameCheck.success ? undefined : nameCheck.error.issues[0]?.message;
  if (!canWrite) {
    return (
      <EmptyState title="Not allowed">
        Creating processors needs processors:write (schema owners and admins).{' '}
        <Link href="/processors">Back</Link>
      </EmptyState>
    );
  }
  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link href="/processors">Processors</Link> /
          </div>
          <h1>New processor</h1>
        </div>
      </div>
      <Card>
        <form
          className={styles.stack}
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { name, description },
              { onSuccess: () => router.push(`/processors/${encodeURIComponent(name)}`) },
            );
          }}
        >
          <TextField
            label="Name"
            value={name}
            error={nameError}
            testId="processor-name-input"
            hint="also names its tables"
            onChange={setName}
          />
          <TextField
            label="Description"
            value={description}
            mono={false}
            testId="processor-description-input"
            onChange={setDescription}
          />
          <div>
            <Button
              type="submit"
              variant="primary"
              testId="create-processor"
              disabled={!nameCheck.success || create.isPending}
            >
              {create.isPending ? 'Creating…' : 'Create'}
            </Button>
          </div>
          <ErrorBanner error={create.error} compact title="Not created" testId="create-error" />
        </form>
      </Card>
    </>
  );
}
