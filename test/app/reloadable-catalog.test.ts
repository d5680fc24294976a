import { createReloadableCatalog } from '../../src/app/reloadable-catalog';
import { FlowdeskError } from '../../src/core/errors';
import type { ProcessCatalog } from '../../src/core/types';
import { buildProcess, catalogOf } from '../core/engine/engine-harness';

describe('createReloadableCatalog', () => {
  const first = catalogOf([buildProcess({ id: 'a' })]).current();
  const second = catalogOf([buildProcess({ id: 'a' }), buildProcess({ id: 'b' })]).current();

  it('keeps the previous good maps when a reload has problems, and takes good ones', async () => {
    let next: { catalog: ProcessCatalog | null; problems: string[] } = {
      catalog: null,
      problems: ['maps/x.yaml:3: bad'],
    };
    const catalog = await createReloadableCatalog('maps', {
      loadCatalogFromPath: async () => first,
      loadCatalogResult: async () => next,
    });
    const seenAfterReloads: ProcessCatalog[] = [];
    catalog.onReloaded(() => seenAfterReloads.push(catalog.current()));
    expect(await catalog.reload()).toEqual({ ok: false, problems: ['maps/x.yaml:3: bad'] });
    expect(catalog.current()).toBe(first);
    expect(seenAfterReloads).toEqual([]);
    next = { catalog: second, problems: [] };
    expect(await catalog.reload()).toEqual({ ok: true, problems: [], processes: 2 });
    expect(catalog.current()).toBe(second);
    // Listeners (the router rebuilding its index) run once the new maps are current.
    expect(seenAfterReloads).toEqual([second]);
  });

  it('refuses to start when the maps have problems', async () => {
    const failing = createReloadableCatalog('maps', {
      loadCatalogFromPath: async () => {
        throw new FlowdeskError('process_map_invalid', 'bad', { details: { problems: ['x'] } });
      },
      loadCatalogResult: async () => ({ catalog: null, problems: [] }),
    });
    await expect(failing).rejects.toMatchObject({ code: 'process_map_invalid' });
  });
});
