"""Example flow for the `generate-report` process (process-maps/data-analytics.yaml).

Builds a standard business report for a date range (about 25 s), with a progress bar, a
preview table, a markdown summary and the `report-file` link the process map reports in Slack.
"""

import datetime
import random
import time
from typing import Literal

from prefect import flow, get_run_logger
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

STEPS = ["querying the warehouse", "aggregating", "rendering charts", "writing the file"]


@flow(name="generate-report", log_prints=True)
def generate_report(
    report: Literal["revenue-summary", "pipeline-forecast", "churn-analysis", "marketing-attribution", "headcount"],
    period_start: datetime.date,
    period_end: datetime.date,
    format: Literal["pdf", "csv", "xlsx"] = "pdf",
) -> dict:
    """Build the `report` for `period_start`..`period_end` as a `format` file."""
    logger = get_run_logger()
    if period_end < period_start:
        logger.error(f"The period ends ({period_end}) before it starts ({period_start})")
        raise ValueError(f"period_end {period_end} is before period_start {period_start}")
    days = (period_end - period_start).days + 1
    logger.info(f"Building {report} for {period_start} to {period_end} ({days} days) as {format}")

    progress = create_progress_artifact(progress=0.0, key="report-progress", description=f"Building {report}")
    for index, step in enumerate(STEPS, start=1):
        logger.info(f"{report}: {step}")
        time.sleep(random.uniform(5, 7))
        update_progress_artifact(artifact_id=progress, progress=100.0 * index / len(STEPS))

    months = sorted({(period_start + datetime.timedelta(days=d)).strftime("%Y-%m") for d in range(days)})
    preview = [{"month": month, "value": random.randint(50_000, 900_000)} for month in months[:12]]
    file_name = f"{report}_{period_start.isoformat()}_{period_end.isoformat()}.{format}"
    url = f"https://reports.example.com/files/{file_name}"

    create_table_artifact(key="report-preview", table=preview, description=f"{report}, by month")
    create_link_artifact(key="report-file", link=url, link_text=file_name, description=f"{report} ({format})")
    create_markdown_artifact(
        key="report-summary",
        markdown=(
            f"### {report} — {period_start} to {period_end}\n\n"
            f"{len(preview)} month(s), total {sum(row['value'] for row in preview):,}.\n\n[Download]({url})\n"
        ),
        description="Report summary",
    )
    logger.info(f"Report ready: {file_name}")
    return {"report": report, "file": file_name, "url": url}
