/** `flowdesk help`. */
export const USAGE = `flowdesk — turn service-desk requests into Prefect flow runs, safely.

Usage: flowdesk <command> [options]

Commands:
  start                      Run the Slack bot (Slack + HTTP routes + run poller).
  chat                       Talk to flowdesk in the terminal (like Slack, cards by number).
      --user NAME            Who you are (default: your OS user name).
      --email EMAIL          Your e-mail (fills {{requester.email}} defaults).
      --channel ID           Pretend to write from this Slack channel (default: a DM).
      --dry-run              Never start anything; say what would start.
      --router auto|llm|local
      --wait SECONDS         At the end of input, wait this long for started runs (default 120).
  validate                   Check the process maps; each problem as file:line: message.
      --online               Also check every deployment and its parameters in Prefect.
  eval --cases FILE.jsonl    Routing quality on labelled requests.
      --router local|llm  --k N  --json
  setup-prefect --webhook-url URL [--dry-run]
                             Create the Prefect webhook block and automation (idempotent).
  help                       This text.

Every command reads the process maps from FLOWDESK_PROCESS_MAPS, or --process-maps PATH (wins),
and its configuration from the environment and .env (see README).`;
