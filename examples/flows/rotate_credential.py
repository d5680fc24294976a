"""Example flow for the `rotate-credential` process (process-maps/it-service-desk.yaml).

Generates a new value, stores it in the secrets manager, rolls the services that use it and
revokes the old value. It FAILS on purpose for `aws-access-key`: the IAM user already holds two
access keys (AWS's maximum), so the demo shows how flowdesk reports a failed run with its
error log lines.
"""

import secrets
import time
from typing import Literal, Optional

from prefect import flow, get_run_logger

CONSUMERS = {
    "stripe-api-key": ["payments-api", "billing-worker"],
    "github-deploy-key": ["deploy-bot"],
    "postgres-app-password": ["orders-api", "payments-api", "reporting-etl"],
    "sendgrid-api-key": ["notifications"],
    "aws-access-key": ["uploads-api", "backup-job"],
}


class CredentialRotationError(RuntimeError):
    """The credential could not be rotated; nothing was changed."""


@flow(name="rotate-credential", log_prints=True)
def rotate_credential(
    credential: Literal[
        "stripe-api-key", "github-deploy-key", "postgres-app-password", "sendgrid-api-key", "aws-access-key"
    ],
    environment: Literal["staging", "production"],
    reason: Optional[str] = None,
) -> dict:
    """Rotate `credential` in `environment` and roll the services that use it."""
    logger = get_run_logger()
    path = f"{environment}/{credential}"
    logger.info(f"Rotating {path}" + (f" (reason: {reason})" if reason else ""))
    time.sleep(2)

    if credential == "aws-access-key":
        iam_user = f"svc-uploads-{environment}"
        logger.info(f"Creating a new access key for IAM user {iam_user}")
        time.sleep(2)
        logger.error(
            f"AWS refused to create an access key for {iam_user}: LimitExceeded, the user already has "
            "2 access keys (the maximum)."
        )
        logger.error(
            f"Nothing was changed. Delete the inactive key of {iam_user} (IAM > Users > Security credentials), "
            "then request the rotation again."
        )
        raise CredentialRotationError(f"{iam_user} already has 2 access keys; delete the inactive one first")

    version = secrets.randbelow(900) + 100
    logger.info(f"Generated a new value and stored it as version {version} of secret {path}")
    time.sleep(3)
    for service in CONSUMERS[credential]:
        logger.info(f"Rolling {service} in {environment} to pick up version {version}")
        time.sleep(3)
    logger.info(f"Revoked the previous value of {path}")
    return {"credential": credential, "environment": environment, "secret_version": version}
