"""The start page, index.html: for each document in the folder, who uses it and what
to do with it; the DPIA's status; and what is still to do before the work starts.

Registered last in :data:`dpia.render.WRITERS`, so ``job.earlier`` holds every file
the build wrote. The page reuses what the other writers already worked out: their
file names, the readability scores of the plain texts, the headings of the DPIA
page, the gaps and the agreement's points still to agree. Only lookups and
groupings live here; every sentence is in ``templates/index.html.j2``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from dpia.assessment.checks import relies_on_consent
from dpia.register.writer import FILE_NAME as REGISTER_FILE
from dpia.render import agreement, consent, dpia_doc, notice, participant
from dpia.render.templating import render
from dpia.render.texts import escaper, text_context, tidy

if TYPE_CHECKING:
    from dpia.answers.model import Project
    from dpia.render import Job, Output
    from dpia.render.readability import Score

FILE_NAME = "index.html"
# The id of the DPIA page's "Annex A: Gaps found by the checks" heading. If a user's
# own DPIA template renames it, the page links to the DPIA page without it.
GAPS_ANCHOR = "annex-a-gaps-found-by-the-checks"
TOP_GAPS = 3  # blocking gaps named in the status box; the rest are under "Before work starts"

# What each kind of document is; the template says who uses it and what to do.
KINDS = ("dpia", "agreement", "privacy_notice", "survey_introduction", "information_sheet",
         "short_version", "consultee_information", "consent_form", "easy_read", "register", "other")


@dataclass
class Document:
    """One document in all the formats the build wrote it in."""

    stem: str  # the path from the folder without the suffix, '/'-separated
    kind: str  # one of KINDS
    subject: str = ""  # the survey mode or the method of a participant text
    files: dict[str, str] = field(default_factory=dict)  # suffix ('html') -> relative link
    what: list[str] = field(default_factory=list)  # each file's description, as the build prints it
    score: Score | None = None  # readability of the plain-text version

    def name(self, fmt: str) -> str:
        """The file's name as seen in the folder, e.g. 'participant-information/interview.html'."""
        return f"{self.stem}.{fmt}"

    def main(self, *preferred: str) -> str:
        """The format to lead with: the first of ``preferred`` the build wrote."""
        return next((f for f in preferred if f in self.files), next(iter(self.files)))

    def others(self, *shown: str) -> list[str]:
        """The formats not already linked, in the order written."""
        return [f for f in self.files if f not in shown]


def _known(p: Project) -> dict[str, tuple[str, str]]:
    """Each file stem the other writers use -> (kind, subject), from their own names."""
    methods = list(p.project.methods)
    known = {
        dpia_doc.STEM: ("dpia", ""),
        agreement.STEM: ("agreement", ""),
        notice.STEM: ("privacy_notice", ""),
        str(PurePosixPath(REGISTER_FILE).with_suffix("")): ("register", ""),
    }
    for kind, stem, subject in participant.participant_texts(p):
        known[f"{participant.FOLDER}/{stem}"] = (kind, subject)
    for method in consent.consent_methods(methods, relies_on_consent(p)):
        known[f"{participant.FOLDER}/{consent.stem(method)}"] = ("consent_form", method)
    return known


def documents(job: Job) -> dict[str, list[Document]]:
    """Every file written so far, grouped into documents, by kind, in the order written.

    A file no writer here is known for (a writer added later) is listed under 'other',
    so the page always links every file in the folder.
    """
    known = _known(job.project)
    found: dict[str, Document] = {}
    for out in job.earlier:
        rel = PurePosixPath(out.path.relative_to(job.out_dir).as_posix())
        stem, fmt = str(rel.with_suffix("")), rel.suffix.lstrip(".")
        kind, subject = known.get(stem, ("other", ""))
        doc = found.setdefault(stem, Document(stem, kind, subject))
        doc.files[fmt] = quote(str(rel))
        doc.what.append(out.what)
        if out.score is not None:
            doc.score = out.score
    grouped: dict[str, list[Document]] = {kind: [] for kind in KINDS}
    for doc in found.values():
        grouped[doc.kind].append(doc)
    return grouped


def gaps_link(earlier: tuple[Output, ...], dpia: list[Document]) -> str | None:
    """Where the DPIA lists its gaps: its Annex A on the DPIA page, if there is one."""
    if not dpia or "html" not in dpia[0].files:
        return None
    page = dpia[0].files["html"]
    anchored = any(GAPS_ANCHOR in out.anchors for out in earlier)
    return f"{page}#{GAPS_ANCHOR}" if anchored else page


def index_context(job: Job) -> dict[str, Any]:
    ctx = text_context(job)
    docs = documents(job)
    # Gaps in the answers first: a risk without measures often follows from one of them
    # (an insecure flow, a processor without a contract), so they name the work better.
    blocking = sorted(job.assessment.blocking_gaps, key=lambda g: g.path.startswith("risks"))
    ctx.update(
        fmt="html",
        u=escaper("html"),
        docs=docs,
        gaps_link=gaps_link(job.earlier, docs["dpia"]),
        blocking=blocking,
        top_gaps=blocking[:TOP_GAPS],
        advice=[g for g in job.assessment.gaps if not g.blocks],
        open_points=agreement.open_points(job.project),
        signoff=job.project.signoff,
        review_overdue=any(g.id == "review-overdue" for g in job.assessment.gaps),
        file_count=len(job.earlier),
    )
    return ctx


def write(job: Job) -> list[Output]:
    page = tidy(render("index.html.j2", index_context(job), job.templates))
    return [job.write(FILE_NAME, page, "start here: what each document is for and what to do with it")]
