"""Example flow for the `restart-service` process (process-maps/it-service-desk.yaml).

A rolling restart, one pod at a time, waiting for the health check between pods. Slow on
purpose (about 30 s in staging, 45 s in production) so that the Slack status card shows a run
in progress, with a progress artifact.
"""

import random
import time
from typing import Literal, Optional

from prefect import flow, get_run_logger
from prefect.artifacts import create_progress_artifact, update_progress_artifact

PODS = {"staging": 4, "production": 6}


@flow(name="restart-service", log_prints=True)
def restart_service(
    service: Literal["payments-api", "orders-api", "search", "auth-gateway"],
    environment: Literal["staging", "production"],
    reason: Optional[str] = None,
) -> dict:
    """Rolling restart of `service` in `environment`, one pod at a time."""
    logger = get_run_logger()
    pods = [f"{service}-{random.randint(0x10000, 0xFFFFF):05x}-{i}" for i in range(PODS[environment])]
    logger.info(f"Rolling restart of {service} in {environment}: {len(pods)} pods")
    if reason:
        logger.info(f"Reason: {reason}")

    progress = create_progress_artifact(
        progress=0.0, key="restart-progress", description=f"Pods of {service} restarted in {environment}"
    )
    for index, pod in enumerate(pods, start=1):
        logger.info(f"[{index}/{len(pods)}] draining {pod}")
        time.sleep(3)
        logger.info(f"[{index}/{len(pods)}] {pod} restarted, waiting for the readiness probe")
        time.sleep(4)
        update_progress_artifact(artifact_id=progress, progress=100.0 * index / len(pods))

    logger.info(f"All {len(pods)} pods of {service} are healthy; no requests were dropped")
    return {"service": service, "environment": environment, "pods_restarted": len(pods)}
