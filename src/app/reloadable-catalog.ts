/**
 * The process catalog, loaded from disk at start (refusing to start on problems) and reloadable
 * (`/flowdesk reload`): a reload with problems keeps the previous good maps.
 */
import type { CatalogSource } from '../core/ports';
import type { ProcessCatalog } from '../core/types';

export interface CatalogReload {
  ok: boolean;
  problems: string[];
  processes?: number;
}

export interface ReloadableCatalog extends CatalogSource {
  readonly path: string;
  reload(): Promise<CatalogReload>;
  /** Calls `listener` after each successful reload (e.g. to rebuild what is derived from the maps). */
  onReloaded(listener: () => void): void;
}

export interface CatalogLoaders {
  loadCatalogFromPath(path: string): Promise<ProcessCatalog>;
  loadCatalogResult(path: string): Promise<{ catalog: ProcessCatalog | null; problems: string[] }>;
}

export async function createReloadableCatalog(
  path: string,
  loaders: CatalogLoaders,
): Promise<ReloadableCatalog> {
  let current = await loaders.loadCatalogFromPath(path);
  const listeners: Array<() => void> = [];
  return {
    path,
    current: () => current,
    async reload() {
      const { catalog, problems } = await loaders.loadCatalogResult(path);
      if (!catalog) return { ok: false, problems };
      current = catalog;
      for (const listener of listeners) listener();
      return { ok: true, problems: [], processes: catalog.processes.length };
    },
    onReloaded(listener) {
      listeners.push(listener);
    },
  };
}
