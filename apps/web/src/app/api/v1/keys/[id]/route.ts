import { revokeKeyHandler, type KeyParams } from '../../../../../server/api/keys.ts';
import { getDb } from '../../../../../server/db.ts';

export const dynamic = 'force-dynamic';

export function DELETE(req: Request, ctx: KeyParams) {
  return revokeKeyHandler(req, ctx, getDb());
}
