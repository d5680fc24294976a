"""Example flow for the `provision-laptop` process (process-maps/it-service-desk.yaml).

Orders the laptop, then PAUSES to ask the requester where to deliver it: the run waits in
Prefect's PAUSED state with an input schema (a `RunInput`), flowdesk turns that schema into a
Slack form, and submitting the form resumes the run with the answers. Then it enrolls the
machine in MDM and images it (slow, about 30 s).
"""

import datetime
import secrets
import time
from typing import Literal

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from pydantic import Field

MACBOOKS = {"macbook-pro-14", "macbook-air-13"}
# How long the run waits for the delivery details before it fails (Prefect's default is 1 hour).
INPUT_TIMEOUT_SECONDS = 24 * 3600


class DeliveryDetails(RunInput):
    """Where the courier brings the laptop."""

    ship_to: Literal["office", "home"] = Field(default="office", description="Deliver to the office or to a home address")
    address: str = Field(description="Full delivery address (street, postcode, city)", min_length=5, max_length=300)
    phone: str = Field(description="Phone number for the courier", min_length=6, max_length=30)


class UnsupportedConfigurationError(ValueError):
    """The requested model cannot run the requested operating system."""


@flow(name="provision-laptop", log_prints=True)
def provision_laptop(
    user_email: str,
    start_date: datetime.date,
    model: Literal["macbook-pro-14", "macbook-air-13", "thinkpad-x1-carbon", "dell-latitude-7440"] = "macbook-air-13",
    os: Literal["macos", "windows", "linux"] = "macos",
) -> dict:
    """Order, enroll and image a laptop for `user_email`, ready on `start_date`."""
    logger = get_run_logger()
    if os == "macos" and model not in MACBOOKS:
        logger.error(f"macOS only runs on MacBooks; {model} needs windows or linux")
        raise UnsupportedConfigurationError(f"macOS cannot be installed on {model}")
    if start_date < datetime.date.today():
        logger.warning(f"The start date {start_date} is in the past; the laptop is prepared as soon as possible")

    order = f"PO-{secrets.randbelow(900000) + 100000}"
    logger.info(f"Ordering a {model} with {os} for {user_email} (order {order})")
    time.sleep(3)

    details = pause_flow_run(
        wait_for_input=DeliveryDetails.with_initial_data(
            description=(
                f"**Where should the {model} for {user_email} be delivered?**\n\n"
                f"It must arrive before {start_date.isoformat()}."
            ),
        ),
        timeout=INPUT_TIMEOUT_SECONDS,
    )
    logger.info(f"Delivery to the {details.ship_to}: {details.address} (courier phone on file)")

    serial = f"C02{secrets.token_hex(4).upper()}"
    logger.info(f"Enrolling serial {serial} in MDM and assigning it to {user_email}")
    time.sleep(8)
    for step in ("disk encryption", "base image", "security agent", "single sign-on"):
        logger.info(f"Installing {step}")
        time.sleep(5)

    create_markdown_artifact(
        key="laptop-handover",
        markdown=(
            f"### Laptop for {user_email}\n\n"
            f"| | |\n|---|---|\n| Model | {model} |\n| OS | {os} |\n| Serial | {serial} |\n"
            f"| Order | {order} |\n| Deliver to | {details.ship_to}: {details.address} |\n"
            f"| Ready by | {start_date.isoformat()} |\n"
        ),
        description="Hand-over sheet",
    )
    logger.info(f"{serial} is imaged and ships today; tracking number follows by e-mail")
    return {"order": order, "serial": serial, "ship_to": details.ship_to}
