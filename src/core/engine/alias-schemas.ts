/**
 * An alias only matches when its captures fit the parameters' schema ("restart {service} in
 * {environment}" needs enum values, so "restart search in staging tomorrow at 9" is not that
 * command). Routers get the merged schemas already known; on a cold start a process's schema is
 * not known until Prefect was asked once, and the alias would take "staging tomorrow at 9" as the
 * environment. So, before routing, the schemas of the few processes whose alias shape fits the
 * message are loaded (one cached Prefect call each).
 */
import type { ProcessDef } from '../types';
import type { EngineContext } from './engine-context';
import { hasAliasShaped } from './forbidden-alias';

export async function loadAliasSchemas(
  ctx: EngineContext,
  text: string,
  candidates: readonly ProcessDef[],
): Promise<void> {
  const known = ctx.schemas.known();
  const cold = candidates.filter((process) => !known.has(process.id) && hasAliasShaped(text, process));
  for (const process of cold) {
    try {
      await ctx.schemas.forProcess(process);
    } catch (error) {
      // The run decision asks Prefect again and says what is wrong; routing goes on with the map.
      ctx.logger.warn(
        { processId: process.id, err: (error as Error).message },
        'schema for alias not loaded',
      );
    }
  }
}
