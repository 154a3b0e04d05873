"""Issue 10: the wording a DPO would correct before signing, in the DPIA, the
privacy-notice section, the agreement record and the start page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import TODAY
from texts_helpers import build_texts, example_data, project_from
from variants import DELETE, change

from dpia.assessment.assess import assess
from dpia.render import Job, build_all, dpia_doc, index

LEAD = {"name": "Ann Bell", "role": "Office Manager", "email": "ann@hwn.example"}


def dpia_doc_of(data: dict[str, Any]) -> tuple[Any, str]:
    project = project_from(data)
    job = Job(project, assess(project, TODAY), Path("unused"))
    doc, ctx = dpia_doc.render_document(job)
    return doc, dpia_doc.render_markdown(job, doc, ctx)


def start_page(data: dict[str, Any], out: Path, everything: bool = False) -> str:
    """The start page; with ``everything``, after building every document it points to."""
    project = project_from(data)
    job = Job(project, assess(project, TODAY), out)
    if everything:
        build_all(job)
    else:
        index.write(job)
    return (out / "index.html").read_text(encoding="utf-8")


def test_signed_dpia_with_blocking_gaps_never_says_plain_signed_off(tmp_path: Path) -> None:
    # the contract example is signed, and its risks have no recorded measures: blocking gaps
    data = example_data("contract")
    doc, _ = dpia_doc_of(data)
    assert doc.meta["header.right"] == "Signed off with open gaps"
    page = start_page(data, tmp_path, everything=True)
    publish = next(line for line in page.splitlines() if "Publish" in line)
    assert "website only after the gaps that block sign-off are closed" in publish


def test_unsigned_notice_and_agreement_start_with_a_draft_mark(tmp_path: Path) -> None:
    texts = build_texts(example_data("embedded"), tmp_path)
    mark = ("DRAFT: the DPIA for this project is not signed off yet. Remove this line only after "
            "it is signed off.")
    for name in ("privacy-notice.md", "privacy-notice.txt", "partnership-agreement.md"):
        first = next(line for line in texts[name].splitlines() if line.strip())
        assert first.startswith("DRAFT:"), name
        assert mark in " ".join(texts[name].split()), name
    html = texts["partnership-agreement.html"]
    assert html.index(mark) < html.index("<h1>")
    signed = build_texts(example_data("contract"), tmp_path / "signed")
    assert not [n for n, t in signed.items() if "DRAFT:" in t]


def test_data_protection_officer_only_where_one_is_appointed(tmp_path: Path) -> None:
    data = change({"organisations[1].dpo": DELETE, "organisations[1].data_protection_lead": LEAD,
                   "signoff.dpo_advice": DELETE})
    _, md = dpia_doc_of(data)
    for title in ("DPO for participants", "DPO advice", "the DPO ", "Officer for participants"):
        assert title not in md, title
    assert "| Data protection lead for participants |" in md
    agreement = build_texts(data, tmp_path)["partnership-agreement.md"]
    assert "**Data protection lead for participants:**" in agreement
    assert "Data Protection Officer" not in agreement
    assert "For the data protection lead</h3>" in start_page(data, tmp_path / "i", everything=True)
    # with a DPO appointed, the DPIA and the record say so
    _, md = dpia_doc_of(example_data("contract"))
    assert "| DPO for participants |" in md
    assert "**Data Protection Officer for participants:**" in build_texts(
        example_data("contract"), tmp_path / "c")["partnership-agreement.md"]
