// Shared by the page (server) and the view (client): a 'use client' module's constants would
// reach the server only as client references.

/** How many messages the page shows (the inbox keeps up to 500). */
export const INBOX_PAGE_SIZE = 50;
/** A delivery shows within this long: the jobs service posts, the page polls. */
export const INBOX_REFRESH_MS = 5000;
