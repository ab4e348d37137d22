/**
 * Per-scope listings for natural-key lookups: one listing per scope (the portal, a project, a
 * project-month of time logs), shared by every lookup of a step and kept current as the loader creates.
 * `fresh` re-lists (reconciliation after a crash must see what Zoho holds now, not what we cached).
 */
export class ScopeCache<T> {
  private readonly lists = new Map<string, Promise<T[]>>();

  constructor(private readonly load: (scope: string) => Promise<T[]>) {}

  async get(scope: string, fresh = false): Promise<T[]> {
    let p = fresh ? undefined : this.lists.get(scope);
    if (!p) {
      p = this.load(scope);
      this.lists.set(scope, p);
      // A failed listing must not poison later lookups.
      p.catch(() => this.lists.delete(scope));
    }
    return p;
  }

  /** Adds an entity we just created, when its scope is already listed. */
  async add(scope: string, item: T): Promise<void> {
    const p = this.lists.get(scope);
    if (!p) return;
    try {
      (await p).push(item);
    } catch {
      /* listing failed; the next get re-lists */
    }
  }

  clear(): void {
    this.lists.clear();
  }
}
