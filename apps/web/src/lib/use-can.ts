'use client';

import { useQuery } from '@tanstack/react-query';
import type { Permission } from '../server/auth/actor.ts';
import { useTRPC } from '../trpc/react.tsx';

/**
 * Whether the person looking may do `permission`, from the `me` query (one request per page,
 * shared by every caller through React Query). False while `me` loads or fails: a control
 * appears once it is known to be allowed, never flashes and then vanishes.
 * NOTE: hiding is for people; the server refuses the call anyway (procedure(permission)).
 * Contract with `me`: it returns `permissions: Permission[]` for the current actor ([] when
 * anonymous).
 */
export function useCan(permission: Permission): boolean {
  const trpc = useTRPC();
  const me = useQuery(trpc.viewer.me.queryOptions());
  return me.data?.permissions.includes(permission) ?? false;
}
