/** The first lines of `flowdesk chat`: who you are and what mode each dependency runs in. */
import type { Requester } from '../../core/types';

export interface BannerInput {
  requester: Requester;
  prefect: string;
  router: string;
  store: string;
  processes: number;
  mapsPath: string;
}

export function formatBanner(input: BannerInput): string[] {
  return [
    `flowdesk chat — you are ${input.requester.name} (${input.requester.tz})`,
    `  Prefect: ${input.prefect}`,
    `  Router:  ${input.router}`,
    `  Store:   ${input.store}`,
    `  ${input.processes} process${input.processes === 1 ? '' : 'es'} from ${input.mapsPath}. Type a request, /help for commands, Ctrl-D to quit.`,
  ];
}
