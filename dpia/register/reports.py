"""``dpia register due`` and ``dpia register summary``: reading the register with pandas.

Both read every row of the sharing sheet, people's rows included, by header.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from dpia.answers import vocab
from dpia.register.layout import Layout, load_layout
from dpia.register.rows import NO_SHARING_KEY
from dpia.register.verify import read_rows

if TYPE_CHECKING:
    import pandas as pd

ENDED = vocab.REGISTER_STATUSES["ended"]
ACTIVE = vocab.REGISTER_STATUSES["active"]
INSECURE_LABELS = frozenset(vocab.TRANSFER_METHODS[m] for m in vocab.INSECURE_METHODS)


DUE_COLUMNS = {
    "sharing": ("register_key", "from_org", "to_org", "status", "review_date", "ends"),
    "projects": ("project_id", "title", "next_review"),
}
SUMMARY_COLUMNS = {
    "sharing": ("register_key", "from_org", "to_org", "transfer_method", "identifiability", "status")
}


def frames(
    register: Path, layout: Layout | None = None, columns: Mapping[str, Sequence[str]] | None = None
) -> dict[str, pd.DataFrame]:
    """Each row sheet (or those in ``columns``) as a DataFrame with one column per layout key
    (or those in ``columns``), dates as dates. Only what is asked for is read."""
    import pandas as pd

    layout = layout or load_layout()
    out = {}
    for sheet_id, found in read_rows(register, layout, columns).items():
        wanted = set(columns[sheet_id]) if columns is not None else None
        chosen = [c for c in found.sheet.columns if wanted is None or c.key in wanted]
        keys = [c.key for c in chosen]
        blank = dict.fromkeys(keys, "")
        records = [{"row": number, **blank, **values} for number, _, values in found.rows]
        df = pd.DataFrame.from_records(records, columns=["row", *keys])
        for column in chosen:
            if column.type == "date":
                df[column.key] = pd.to_datetime(df[column.key], errors="coerce", format="ISO8601").dt.date
        out[sheet_id] = df
    return out


@dataclass
class Due:
    reviews: pd.DataFrame  # flows whose review is due or overdue
    still_active: pd.DataFrame  # flows past their end date still marked active
    projects: pd.DataFrame  # projects whose DPIA review is due or overdue


def _when(day: date, on: date) -> str:
    days = (day - on).days
    if days < 0:
        return f"overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "due today"
    return f"due in {days} day{'s' if days != 1 else ''}"


def due(register: Path, on: date, within_days: int = 30, layout: Layout | None = None) -> Due:
    import pandas as pd

    sheets = frames(register, layout, DUE_COLUMNS)
    limit = on + timedelta(days=within_days)
    flows = sheets["sharing"]
    has_review = flows["review_date"].notna()
    mask = has_review & (flows["status"] != ENDED)
    mask &= flows["review_date"].where(has_review, limit + timedelta(days=1)) <= limit
    reviews = flows.loc[mask, ["row", "register_key", "from_org", "to_org", "status", "review_date"]].copy()
    reviews["when"] = [_when(d, on) for d in reviews["review_date"]]
    reviews = reviews.sort_values(["review_date", "row"])
    has_end = flows["ends"].notna()
    past = has_end & (flows["ends"].where(has_end, on) < on) & (flows["status"] == ACTIVE)
    still = flows.loc[past, ["row", "register_key", "from_org", "to_org", "ends"]]
    still = still.sort_values(["ends", "row"])
    projects = sheets["projects"]
    has_next = projects["next_review"].notna()
    pmask = has_next & (projects["next_review"].where(has_next, limit + timedelta(days=1)) <= limit)
    proj = projects.loc[pmask, ["row", "project_id", "title", "next_review"]].copy()
    proj["when"] = [_when(d, on) for d in proj["next_review"]]
    return Due(reviews.reset_index(drop=True), still.reset_index(drop=True),
               pd.DataFrame(proj).sort_values(["next_review", "row"]).reset_index(drop=True))


@dataclass
class Summary:
    flows: int
    by_partner: pd.DataFrame
    by_method: pd.DataFrame  # with a column 'insecure' (True for ordinary email, post, spoken)
    by_identifiability: pd.DataFrame
    by_status: pd.DataFrame


def _counts(series: pd.Series, name: str) -> pd.DataFrame:
    counts = series.replace("", "(blank)").value_counts()
    df = counts.rename_axis(name).reset_index(name="flows")
    return df.sort_values(["flows", name], ascending=[False, True]).reset_index(drop=True)


def summary(register: Path, layout: Layout | None = None) -> Summary:
    import pandas as pd

    flows = frames(register, layout, SUMMARY_COLUMNS)["sharing"]
    # The row that records a project sharing nothing is not a flow.
    flows = flows[~flows["register_key"].astype(str).str.endswith(f"/{NO_SHARING_KEY}")]
    # A flow counts once for each organisation it involves (rows people typed in may
    # have no key, so a flow is its row).
    involved = pd.concat(
        [flows[["row", "from_org"]].set_axis(["row", "org"], axis=1),
         flows[["row", "to_org"]].set_axis(["row", "org"], axis=1)],
        ignore_index=True,
    ).drop_duplicates()
    by_partner = _counts(involved["org"], "partner")
    by_method = _counts(flows["transfer_method"], "method")
    by_method["insecure"] = by_method["method"].isin(INSECURE_LABELS)
    return Summary(
        flows=len(flows),
        by_partner=by_partner,
        by_method=by_method,
        by_identifiability=_counts(flows["identifiability"], "identifiability"),
        by_status=_counts(flows["status"], "status"),
    )
