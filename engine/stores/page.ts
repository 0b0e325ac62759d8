/** A page of a listing: `offset` items skipped, at most `limit` returned. */
export interface Page {
  offset: number;
  limit: number;
}

/** Largest page a store hands out in one call. */
export const MAX_PAGE = 1_000;

/** Validates paging with explicit errors; shared by the stores' list methods. */
export function checkPage(page: Page): Page {
  const { offset, limit } = page;
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`offset must be an integer >= 0, got ${offset}`);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new Error(`limit must be an integer in 1..${MAX_PAGE}, got ${limit}`);
  return { offset, limit };
}
