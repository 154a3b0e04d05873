"""The Easy Read summary (participant-information/easy-read.html and .pdf): one idea a
line, short sentences of short words, 14 pt or larger in print, a pictogram beside each
point (dpia.render.pictograms). Every line follows from the answers; the full information
sheet and the privacy notice say the rest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dpia.assessment import facts
from dpia.render import pictograms
from dpia.render.templating import render

if TYPE_CHECKING:
    from dpia.render import Job, Output

STEM = "easy-read"
# Each method in short words, as the subject of "... takes about N minutes".
WHAT = {"focus_group": "A group talk", "interview": "A talk with one of us",
        "online_survey": "The survey online", "paper_survey": "The survey on paper",
        "telephone_survey": "The phone call", "engagement_event": "A chat at an event",
        "enter_and_view": "A chat on a visit", "other": "Taking part"}
MAX_WORDS = 12  # a line of Easy Read
PRINT_PT = 16  # body text in print; headings larger


@dataclass(frozen=True)
class Point:
    pictogram: str  # a key of pictograms.PICTOGRAMS
    lines: list[str]  # one idea each, at most 12 words


def time_lines(methods: list[str], minutes_for: Callable[[str], int | None]) -> list[str]:
    """How long taking part takes, true for every method used: one line when every method
    has the same time; otherwise a line for each method with a time recorded, then, for
    the methods with none, to ask us (in one line when it fits in MAX_WORDS)."""
    times = [(m, minutes_for(m)) for m in methods]
    if not any(n for _, n in times):
        return []
    if len({n for _, n in times}) == 1:
        return [f"It takes about {_minutes(times[0][1] or 0)}."]
    lines = [f"{WHAT[m]} takes about {_minutes(n)}." for m, n in times if n]
    unknown = [WHAT[m][:1].lower() + WHAT[m][1:] for m, n in times if not n]
    if unknown:
        together = f"Ask us how long {' or '.join(unknown)} takes."
        lines += [together] if len(together.split()) <= MAX_WORDS else [
            f"Ask us how long {what} takes." for what in unknown]
    return lines


def _minutes(n: int) -> str:
    return f"{n} minute{'s' if n != 1 else ''}"


def points(ctx: dict[str, Any]) -> list[Point]:
    """The summary's points, from the same context as the other participant texts."""
    p = ctx["p"]
    pr = p.processing
    lead = ctx["lead"].name
    out = [Point("asking", [f"{lead} wants to hear from you."])]
    clock = time_lines(ctx["methods"], p.minutes_for)
    if clock:
        out.append(Point("clock", clock))
    out.append(Point("stop", ["You choose if you want to take part.", "You can stop at any time.",
                              "You do not have to say why."]))
    if ctx["has_recordings"] and {"focus_group", "interview"} & set(ctx["methods"]):
        out.append(Point("speech", ["We would like to record what you say.", "We ask you first."]))
    out.append(Point("lock", ["We keep what you tell us safe.",
                              "We do not put your name in our report."]))
    if ctx["third_party"]:
        out.append(Point("people", ["You can tell us about other people.",
                                    "Please do not say their names."]))
    out.append(Point("people", ["If someone is not safe, we may tell someone who can help."]))
    last_day = facts.withdrawal_last_day(p)
    out.append(Point("calendar", ["You can change your mind."] + (
        [f"The last day to tell us is {last_day}."] if last_day
        else ["There may be a last day for this.", "Ask us what it is."])))
    if pr.retention:
        out.append(Point("bin", ["We delete your details when we no longer need them."]))
    if ctx["may_lack_capacity"]:
        out.append(Point("form", ["If deciding is hard, we may ask someone who knows you."]))
    out.append(support(ctx))
    contact = ctx["contact"]
    if contact is not None:
        how = [f"Ask {contact.name or ctx['contact_org'].name} if you have a question."]
        if contact.phone:
            how.append(f"Phone: {contact.phone}")
        if contact.email:
            how.append(f"Email: {contact.email}")
        out.append(Point("telephone", how))
    out.append(Point("form", ["Ask us for the full information to read."]))
    return out


def support(ctx: dict[str, Any]) -> Point:
    """Where to get support: a local Healthwatch taking part can tell people where to get help
    (its statutory signposting role); without one, tell us (the contact comes next)."""
    signpost = ctx["signpost"]
    if signpost is not None:
        return Point("speech", ["Do you need help with health or care?",
                                f"{signpost.name} can tell you where to go."])
    return Point("speech", ["Do you need help after taking part?", "Please tell us."])


def plain(pts: list[Point], title: str) -> str:
    """The text as the readability measure reads it."""
    return "\n\n".join([title, *(line for pt in pts for line in pt.lines)]) + "\n"


def pdf(pts: list[Point], title: str, project: str, draft: bool) -> bytes:
    """An A4 PDF: one row a point, the pictogram on the left, 16 pt text."""
    from io import BytesIO
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from dpia.render import fonts

    family = fonts.register()
    body = ParagraphStyle("er", fontName=fonts.REGULAR, fontSize=PRINT_PT, leading=PRINT_PT * 1.45)
    head = ParagraphStyle("erh", parent=body, fontName=fonts.BOLD, fontSize=24, leading=30, spaceAfter=6)
    sub = ParagraphStyle("ers", parent=body, fontSize=14, leading=20)
    story: list[Any] = []
    if draft:
        story.append(Paragraph(escape(DRAFT_LINE), ParagraphStyle("d", parent=body, fontName=fonts.BOLD)))
    story += [Paragraph(escape(title), head), Paragraph(escape(project), sub), Spacer(1, 6 * mm)]
    rows = [[pictograms.drawing(pt.pictogram, 22 * mm),
             [Paragraph(escape(line), body) for line in pt.lines]] for pt in pts]
    table = Table(rows, colWidths=[30 * mm, None])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -2), 0.5, "#999999"),
        ("TOPPADDING", (0, 0), (-1, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]))
    story.append(table)
    buf = BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm, title=f"{title}: {project}",
                            lang="en-GB", invariant=1)
    doc.build(story)
    del family
    return buf.getvalue()


DRAFT_LINE = "DRAFT: remove this line only after the DPIA is signed off."
TITLE = "About this project"


def write(job: Job, context: dict[str, Any], folder: str) -> list[Output]:
    from dpia.render import readability

    pts = points(context)
    project = context["project"].title
    html = render("participant/easy-read.html.j2", {
        **context, "points": [(pictograms.svg(pt.pictogram), pt.lines) for pt in pts],
        "title": TITLE, "draft_line": DRAFT_LINE,
    }, job.templates)
    page = job.write(f"{folder}/{STEM}.html", html, "Easy Read summary, with pictures (printable web page)")
    page.score = readability.score("easy_read", plain(pts, TITLE))
    page.notes.extend(readability.describe(page.score))
    printed = job.write(f"{folder}/{STEM}.pdf", pdf(pts, TITLE, project, context["is_draft"]),
                        "Easy Read summary, with pictures (PDF, A4)")
    return [page, printed]
