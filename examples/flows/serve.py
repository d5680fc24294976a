"""Serves every example flow as a Prefect deployment named `production`.

The deployment refs are then `<flow name>/production`, which is what the process maps in
`process-maps/` name (`deployment: reset-vpn/production`, …). Runs execute in this process's
worker subprocesses; in Docker Compose this is the `prefect-worker` service:

    PREFECT_API_URL=http://127.0.0.1:4200/api python examples/flows/serve.py
"""

from backfill_table import backfill_table
from generate_report import generate_report
from grant_app_access import grant_app_access
from prefect import serve
from provision_laptop import provision_laptop
from refresh_dashboard import refresh_dashboard
from reset_vpn import reset_vpn
from restart_service import restart_service
from rotate_credential import rotate_credential
from unlock_account import unlock_account

FLOWS = [
    reset_vpn,
    grant_app_access,
    restart_service,
    provision_laptop,
    rotate_credential,
    unlock_account,
    refresh_dashboard,
    generate_report,
    backfill_table,
]

if __name__ == "__main__":
    serve(*[f.to_deployment(name="production", tags=["flowdesk-example"]) for f in FLOWS])
