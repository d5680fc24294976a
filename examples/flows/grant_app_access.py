"""Example flow for the `grant-app-access` process (process-maps/it-service-desk.yaml).

Adds a person to the identity provider group that gives the chosen role in a SaaS application.
Simulated: sleeps where a real flow would call the IdP's API.
"""

import time
from typing import Literal

from prefect import flow, get_run_logger


@flow(name="grant-app-access", log_prints=True)
def grant_app_access(
    application: Literal["jira", "confluence", "github", "salesforce", "figma", "tableau"],
    user_email: str,
    justification: str,
    role: Literal["viewer", "editor", "admin"] = "viewer",
) -> dict:
    """Grant `user_email` the `role` in `application` through its IdP group."""
    logger = get_run_logger()
    group = f"app-{application}-{role}s"
    logger.info(f"Request: {role} access to {application} for {user_email}")
    logger.info(f"Justification (kept in the audit trail): {justification}")
    time.sleep(2)

    logger.info(f"Checking that {user_email} is an active account in the identity provider")
    time.sleep(2)
    if role == "admin":
        logger.warning(f"Admin roles in {application} are reviewed every quarter; this grant will be listed")

    logger.info(f"Adding {user_email} to the group {group}")
    time.sleep(3)
    logger.info(f"Provisioning pushed to {application}; access works within 5 minutes")
    return {"application": application, "user_email": user_email, "role": role, "group": group}
