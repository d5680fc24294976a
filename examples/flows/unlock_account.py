"""Example flow for the `unlock-account` process (process-maps/it-service-desk.yaml).

Unlocks an account and clears its failed sign-in counter. It does not touch the password.
"""

import time
from typing import Literal

from prefect import flow, get_run_logger

SYSTEM_NAMES = {"okta": "Okta", "active-directory": "Active Directory", "google-workspace": "Google Workspace"}


@flow(name="unlock-account", log_prints=True)
def unlock_account(
    user_email: str,
    system: Literal["okta", "active-directory", "google-workspace"] = "okta",
) -> dict:
    """Unlock `user_email` in `system` and reset the failed-attempt counter."""
    logger = get_run_logger()
    name = SYSTEM_NAMES[system]
    logger.info(f"Looking up {user_email} in {name}")
    time.sleep(2)
    logger.info(f"{user_email} is locked out after 5 failed sign-ins")
    time.sleep(1)
    logger.info(f"Unlocked {user_email} in {name} and cleared the failed sign-in counter")
    return {"user_email": user_email, "system": system, "unlocked": True}
