"""The DPIA document: dpia.pdf, dpia.docx, dpia.html and dpia.md from one template.

``templates/dpia.blocks.j2`` writes the document once in the block markup of
:mod:`dpia.render.blocks`; this module renders it, draws the diagrams
(:mod:`dpia.render.diagrams`) and turns the result into HTML and Markdown
through ``dpia.html.j2`` and ``dpia.md.j2``, into PDF through
:mod:`dpia.render.pdf` and into Word through :mod:`dpia.render.word`. Only lookups and
groupings live here; every sentence is in the templates or the vocabulary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from dpia.assessment import facts
from dpia.assessment.checks import GAP_LEVELS
from dpia.assessment.screening import SOURCES
from dpia.render import blocks, diagrams
from dpia.render.context import base_context
from dpia.render.templating import render
from dpia.render.texts import rights_groups

if TYPE_CHECKING:
    from dpia.render import Job, Output

FIGURES = ("flows", "heatmap-before", "heatmap-after")
STEM = "dpia"  # the files' name without the format's suffix


def document_context(job: Job) -> dict[str, Any]:
    """The base context plus the groupings the DPIA template needs."""
    p, a = job.project, job.assessment
    ctx = base_context(job)
    orgs = ctx["orgs"]

    def names(ids: list[str]) -> list[str]:
        return [orgs[i].name for i in ids]

    ctx.update(
        names=names,
        roles={o.id: _roles(job, o.id) for o in p.organisations},
        flows=list(enumerate(p.sharing, start=1)),
        sources=SOURCES,
        not_assessed=a.screening.not_assessed,
        severities=diagrams.SEVERITY_COLS,
        heat_before=_heat_rows(diagrams.heat_cells(a, after=False)),
        heat_after=_heat_rows(diagrams.heat_cells(a, after=True)),
        eliminated=[r.id for r in a.risks if r.effect == "eliminated"],
        # Measures changed the level, but no likelihood after them is recorded: listed, not placed.
        unplaced_after=[r for r in a.risks if r.unplaced_after],
        measured=[r for r in a.risks if r.needs_measures or r.has_measures],
        low_unmeasured=[r.id for r in a.risks if not (r.needs_measures or r.has_measures)],
        # Article 36: a recorded high residual risk, or a high risk whose residual is not recorded.
        high_residual=[r.id for r in a.risks if r.residual == "high" and r.effect != "eliminated"],
        high_unassessed=[
            r.id for r in a.risks if r.level == "high" and r.residual is None and r.effect != "eliminated"
        ],
        gap_levels=GAP_LEVELS,
        rights_groups=rights_groups(p),
    )
    return ctx


def _roles(job: Job, org_id: str) -> list[tuple[str, str]]:
    """(role code, detail) pairs; the template words them. The first is the organisation's
    data protection role (facts.roles, the same in every document); then its other parts."""
    p = job.project
    role = facts.roles(p)[org_id]
    service = next((x.service for x in p.data_protection.processors if x.organisation == org_id), "")
    roles: list[tuple[str, str]] = [(role, service if role == "processor" else "")]
    if p.data_protection.controllers.contact_point == org_id:
        roles.append(("contact-point", ""))
    if org_id == p.project.lead:
        roles.append(("lead", ""))
    if org_id == p.project.commissioned_by:
        roles.append(("commissioner", ""))
    return roles


def _heat_rows(cells: dict[diagrams.Cell, list[str]]) -> list[tuple[str, list[tuple[str, str, list[str]]]]]:
    return [
        (lik, [(sev, diagrams.cell_level((lik, sev)), cells[(lik, sev)]) for sev in diagrams.SEVERITY_COLS])
        for lik in diagrams.LIKELIHOOD_ROWS
    ]


def pictures(job: Job, doc: blocks.Document) -> dict[str, list[diagrams.Picture]]:
    """Lay out every figure the document asks for, once for all formats: each figure is one
    or more panels (a large data-flow diagram continues over several pages)."""
    from dpia.errors import OutputError

    out: dict[str, list[diagrams.Picture]] = {}
    for fig in doc.blocks:
        if not isinstance(fig, blocks.Figure):
            continue
        title = blocks.plain(fig.caption)
        if fig.name == "flows":
            out[fig.name] = diagrams.flow_pictures(job.project, doc.meta, title)
        elif fig.name in ("heatmap-before", "heatmap-after"):
            after = fig.name == "heatmap-after"
            out[fig.name] = [diagrams.heatmap_picture(job.assessment, after, doc.meta, title)]
        else:
            raise OutputError(
                f"the DPIA template asks for a figure '{fig.name}'; known: {', '.join(FIGURES)}"
            )
    return out


def render_document(job: Job) -> tuple[blocks.Document, dict[str, Any]]:
    ctx = document_context(job)
    return blocks.parse(render("dpia.blocks.j2", ctx, job.templates)), ctx


def render_html(job: Job, doc: blocks.Document, pics: dict[str, list[diagrams.Picture]],
                ctx: dict[str, Any]) -> str:
    def svg_render(name: str, context: dict[str, Any]) -> str:
        return render(name, context, job.templates)

    svg = {name: Markup(diagrams.to_svg(parts, f"fig-{name}", svg_render)) for name, parts in pics.items()}
    return render("dpia.html.j2", {**ctx, "doc": doc, "svg": svg, "plain": blocks.plain}, job.templates)


def render_markdown(job: Job, doc: blocks.Document, ctx: dict[str, Any]) -> str:
    return render("dpia.md.j2", {**ctx, "doc": doc}, job.templates)


def write(job: Job) -> list[Output]:
    """The DPIA in PDF (print), Word (to review and edit), HTML (accessible, to publish) and
    Markdown (for version control)."""
    from dpia.render import pdf, word

    doc, ctx = render_document(job)
    pics = pictures(job, doc)
    page = job.write(f"{STEM}.html", render_html(job, doc, pics, ctx), "the DPIA, accessible web page (HTML)")
    page.anchors = tuple(b.anchor for b in doc.blocks if isinstance(b, blocks.Heading))
    return [
        job.write(f"{STEM}.pdf", pdf.render_pdf(doc, pics, job.today), "the DPIA, to print and sign (PDF)"),
        job.write(f"{STEM}.docx", word.render_docx(doc, pics, job.today),
                  "the DPIA, to review and edit with tracked changes (Word)"),
        page,
        job.write(f"{STEM}.md", render_markdown(job, doc, ctx), "the DPIA as text for version control"),
    ]
