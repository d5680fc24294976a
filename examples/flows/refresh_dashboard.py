"""Example flow for the `refresh-dashboard` process (process-maps/data-analytics.yaml).

Re-runs the extracts behind a BI dashboard and refreshes its cache. Slow on purpose (about
35 s) and rich in artifacts, so the demo shows them: a progress bar while it runs, a table of
the extracts, a markdown summary, and the two keys the process map reports in Slack:
`row-count` (a markdown artifact holding the number) and `dashboard-url` (a link).

Prefect artifact keys allow only lowercase letters, digits and dashes.
"""

import datetime
import random
import time
from typing import Literal, Optional

from prefect import flow, get_run_logger
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

EXTRACTS = {
    "sales": ["orders", "order_lines", "opportunities", "targets"],
    "marketing": ["campaigns", "sessions", "leads", "spend"],
    "finance": ["invoices", "payments", "ledger", "budgets"],
    "operations": ["tickets", "shipments", "inventory", "sla_breaches"],
}


def current_quarter(today: datetime.date) -> str:
    return f"Q{(today.month - 1) // 3 + 1} {today.year}"


@flow(name="refresh-dashboard", log_prints=True)
def refresh_dashboard(
    dashboard: Literal["sales", "marketing", "finance", "operations"],
    quarter: Optional[str] = None,
) -> dict:
    """Re-run the extracts of `dashboard` for `quarter` (default: the current one) and refresh its cache."""
    logger = get_run_logger()
    quarter = quarter or current_quarter(datetime.date.today())
    extracts = EXTRACTS[dashboard]
    logger.info(f"Refreshing the {dashboard} dashboard for {quarter}: {len(extracts)} extracts")

    progress = create_progress_artifact(
        progress=0.0, key="refresh-progress", description=f"Extracts of the {dashboard} dashboard"
    )
    rows = []
    for index, extract in enumerate(extracts, start=1):
        started = time.monotonic()
        logger.info(f"Running extract {dashboard}.{extract} for {quarter}")
        time.sleep(random.uniform(6, 9))
        count = random.randint(5_000, 250_000)
        rows.append({"extract": extract, "rows": count, "seconds": round(time.monotonic() - started, 1)})
        logger.info(f"{dashboard}.{extract}: {count} rows")
        update_progress_artifact(artifact_id=progress, progress=90.0 * index / len(extracts))

    logger.info("Refreshing the dashboard cache")
    time.sleep(3)
    update_progress_artifact(artifact_id=progress, progress=100.0)

    total = sum(row["rows"] for row in rows)
    slug = quarter.replace(" ", "-").lower()
    url = f"https://bi.example.com/dashboards/{dashboard}?quarter={slug}"
    create_table_artifact(key="refresh-extracts", table=rows, description=f"Extracts of {dashboard}, {quarter}")
    create_markdown_artifact(key="row-count", markdown=str(total), description="Rows loaded into the extracts")
    create_link_artifact(key="dashboard-url", link=url, link_text=f"{dashboard.title()} dashboard, {quarter}")
    create_markdown_artifact(
        key="refresh-summary",
        markdown=(
            f"### {dashboard.title()} dashboard refreshed for {quarter}\n\n"
            + "\n".join(f"- `{row['extract']}`: {row['rows']:,} rows in {row['seconds']} s" for row in rows)
            + f"\n\n**Total: {total:,} rows.** [Open the dashboard]({url})\n"
        ),
        description="Refresh summary",
    )
    logger.info(f"Done: {total} rows, cache refreshed")
    return {"dashboard": dashboard, "quarter": quarter, "row_count": total, "dashboard_url": url}
