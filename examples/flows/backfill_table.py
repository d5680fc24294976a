"""Example flow for the `backfill-table` process (process-maps/data-analytics.yaml).

Reloads a date range of a warehouse table day by day (about 2 s a day, so a week takes about
15 s and a month about a minute), with a progress bar, a table of rows per day, and the
`rows-written` markdown artifact the process map reports in Slack.
"""

import datetime
import random
import re
import time

from prefect import flow, get_run_logger
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
MAX_DAYS = 366


@flow(name="backfill-table", log_prints=True)
def backfill_table(table: str, start_date: datetime.date, end_date: datetime.date) -> dict:
    """Replace the rows of `table` for every day from `start_date` to `end_date`."""
    logger = get_run_logger()
    if not TABLE_NAME.match(table):
        logger.error(f"{table!r} is not a schema.table name")
        raise ValueError(f"table must look like schema.table, got {table!r}")
    days = (end_date - start_date).days + 1
    if days < 1 or days > MAX_DAYS:
        logger.error(f"The range {start_date}..{end_date} must cover 1 to {MAX_DAYS} days")
        raise ValueError(f"invalid range {start_date}..{end_date}")

    logger.info(f"Backfilling {table} from {start_date} to {end_date}: {days} day(s)")
    progress = create_progress_artifact(progress=0.0, key="backfill-progress", description=f"Days of {table} reloaded")
    per_day = []
    for offset in range(days):
        day = start_date + datetime.timedelta(days=offset)
        time.sleep(2 if days <= 31 else 0.5)
        written = random.randint(10_000, 120_000)
        per_day.append({"day": day.isoformat(), "rows_deleted": written - random.randint(0, 500), "rows_written": written})
        logger.info(f"{table} {day}: replaced with {written} rows")
        update_progress_artifact(artifact_id=progress, progress=100.0 * (offset + 1) / days)

    total = sum(row["rows_written"] for row in per_day)
    create_table_artifact(key="backfill-days", table=per_day, description=f"{table}, rows per day")
    create_markdown_artifact(key="rows-written", markdown=str(total), description=f"Rows written to {table}")
    create_markdown_artifact(
        key="backfill-summary",
        markdown=f"### {table} backfilled\n\n{start_date} to {end_date}: **{total:,} rows** over {days} day(s).\n",
        description="Backfill summary",
    )
    logger.info(f"Backfill of {table} complete: {total} rows written")
    return {"table": table, "days": days, "rows_written": total}
