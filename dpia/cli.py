"""The command line: commands and flags, errors turned into messages and exit codes.

No logic lives here. Modules are imported inside the command that needs them,
so ``dpia --help`` starts fast and never loads pandas, openpyxl or reportlab.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import gc
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from dpia import __version__
from dpia.errors import EXIT_DATA, EXIT_OK, EXIT_USAGE, AnswersError, DpiaError, UsageError

if TYPE_CHECKING:
    from dpia.answers.model import Project
    from dpia.assessment.assess import Assessment
    from dpia.assessment.screening import Settings

Handler = Callable[[argparse.Namespace], int]


def _iso_date(text: str) -> date:
    """YYYY-MM-DD, or a date as written in the UK (31/03/2026, 31 March 2026), as the prompts take."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    from dpia.questionnaire.asking import forgiving

    try:
        return date.fromisoformat(forgiving("date", text.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31 (or 31/03/2026)"
        ) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return value


MAX_DAYS = 36_500  # a hundred years: further ahead than any review


def _days(text: str) -> int:
    value = _positive_int(text)
    if value > MAX_DAYS:
        raise argparse.ArgumentTypeError(f"'{text}' days is too far ahead: at most {MAX_DAYS:,}")
    return value


def _add_answers_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", type=Path, help="the answers file (YAML)")
    p.add_argument(
        "--example", action="store_true", help="use the example project shipped with dpia"
    )


def _add_assess_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--date",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="treat this as today's date (default: today), for reviews and reproducible output",
    )
    p.add_argument(
        "--large-scale",
        type=_positive_int,
        metavar="N",
        help="number of participants from which processing counts as large scale "
        "(default 1000; the law sets no number)",
    )


_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)")


class _Parser(argparse.ArgumentParser):
    """argparse, with "did you mean ...?" after a mistyped command ('dpia bulid'); the
    sub-command parsers are of this class too (add_subparsers uses the parent's class)."""

    def error(self, message: str) -> NoReturn:
        if found := _INVALID_CHOICE.search(message):
            choices = re.findall(r"'([^']*)'", found.group(2))
            close = difflib.get_close_matches(found.group(1), choices, n=1, cutoff=0.6)
            if close:
                message += f"; did you mean '{close[0]}'?"
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dpia",
        description=(
            "Plan a health and care research partnership and write its data protection "
            "impact assessment, privacy-notice section, participant information, "
            "partnership agreement record and data-sharing register from one answers file."
        ),
        epilog="Start with 'dpia demo' to see every document built from the example project.",
    )
    parser.add_argument("--version", action="version", version=f"dpia {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback when something fails"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # --debug is accepted after the command too ('dpia check f.yaml --debug').
    common = _Parser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS,
        help="show the full traceback when something fails",
    )

    p = sub.add_parser(
        "check",
        parents=[common],
        help="validate an answers file and show the screening verdict, risks and gaps",
        description="Validate an answers file, then show whether a DPIA is required, the risks "
        "the answers imply and the gaps still open. Exit 0 when the file keeps the format "
        "(even with gaps), 1 when it has errors, 2 for usage errors.",
    )
    _add_answers_arg(p)
    _add_assess_args(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--strict", action="store_true", help="also exit 1 when gaps block sign-off"
    )
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser(
        "schema",
        parents=[common],
        help="print a JSON Schema of the answers-file format (for editors)",
        description="Print a JSON Schema of format dpia-answers/1. Save it and point your "
        "editor's YAML support at it for completion and checking as you type.",
    )
    p.set_defaults(handler=cmd_schema)

    p = sub.add_parser(
        "build",
        parents=[common],
        help="write the DPIA and every other document from an answers file",
        description="Validate an answers file, then write the DPIA (PDF, HTML, Markdown) and the "
        "other documents into a folder. A draft with open gaps builds normally.",
    )
    _add_answers_arg(p)
    _add_assess_args(p)
    _add_build_args(p)
    p.set_defaults(handler=cmd_build)

    p = sub.add_parser(
        "demo",
        parents=[common],
        help="build every document from the example project, to see what dpia makes",
    )
    p.add_argument(
        "--out", type=Path, default=Path("dpia-demo"), metavar="DIR",
        help="folder to write into (default: dpia-demo)",
    )
    p.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="treat this as today")
    p.set_defaults(handler=cmd_demo)

    _add_register_commands(sub)
    _add_questionnaire_commands(sub)
    return parser


def _add_build_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--out", type=Path, metavar="DIR",
        help="folder to write into (default: dpia-output/<project id> beside the answers file)",
    )
    p.add_argument(
        "--templates", type=Path, metavar="DIR",
        help="a folder of your own templates that replace shipped ones with the same name",
    )
    p.add_argument(
        "--register", type=Path, metavar="XLSX",
        help="also add this project's rows to the organisation's data-sharing register "
        "(created if it does not exist)",
    )
    _add_edited_arg(p)


def _tolerant_output() -> None:
    """Never crash on a name the console cannot show (e.g. a cp1252 console and 'Ł')."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(Exception):
                reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # before the command started (its own Ctrl-C is handled below)
        print("\nStopped.", file=sys.stderr)
        return 130
    finally:
        if argv is None:  # the process is the dpia command and ends now
            gc.freeze()  # so the interpreter's exit does not walk every object again


# Commands that run once and end: the garbage collector is off while they run (a build
# spent a fifth of its time collecting; what it would free is freed at exit anyway,
# and reference counting frees all else as it goes).
_SHORT_COMMANDS = frozenset({"check", "build", "demo", "schema"})


def _main(argv: Sequence[str] | None) -> int:
    _tolerant_output()
    parser = build_parser()
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    was_collecting = gc.isenabled()
    if args.command in _SHORT_COMMANDS:
        gc.disable()
    try:
        return handler(args)
    except DpiaError as exc:
        if args.debug:
            raise
        from dpia.report import visible

        print(visible(str(exc)), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("\nStopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: say so plainly, without a traceback
        if args.debug:
            raise
        print(
            f"dpia stopped because of an internal error ({type(exc).__name__}: {exc}). "
            "Run the same command with --debug for details, and report it.",
            file=sys.stderr,
        )
        return EXIT_DATA
    finally:
        if was_collecting:
            gc.enable()


# --- shared steps ---------------------------------------------------------------


def answers_path(args: argparse.Namespace) -> Path:
    if getattr(args, "example", False):
        if args.file is not None:
            raise UsageError("give either an answers file or --example, not both")
        from dpia.resources import example_path

        return example_path()
    if args.file is None:
        raise UsageError(
            "name an answers file, e.g. 'dpia check project.yaml', or use --example"
        )
    path: Path = args.file
    return path


def settings_from(args: argparse.Namespace) -> Settings:
    from dpia.assessment.screening import Settings

    threshold = getattr(args, "large_scale", None)
    return Settings() if threshold is None else Settings(large_scale_threshold=threshold)


def today_from(args: argparse.Namespace) -> date:
    given: date | None = getattr(args, "date", None)
    return given or date.today()


def load_and_assess(args: argparse.Namespace) -> tuple[Project, Assessment]:
    from dpia.answers.loader import load
    from dpia.assessment.assess import assess

    project = load(answers_path(args))
    return project, assess(project, today_from(args), settings_from(args))


# --- commands -------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from dpia import report

    try:
        project, assessment = load_and_assess(args)
    except AnswersError as exc:
        if args.json:
            report.print_json(report.errors_json(exc))
        else:
            report.print_errors(exc)
        return EXIT_DATA
    if args.json:
        report.print_json(report.check_json(project, assessment, str(answers_path(args))))
    else:
        # Each gap names the `dpia edit` command that answers it (not for the shipped example).
        typed = None if getattr(args, "example", False) else str(args.file)
        report.print_check(project, assessment, typed)
    if args.strict and assessment.blocking_gaps:
        return EXIT_DATA
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from dpia import report

    try:
        project, assessment = load_and_assess(args)
    except AnswersError as exc:  # the same report as 'dpia check' gives
        report.print_errors(exc)
        return EXIT_DATA
    out = args.out or answers_path(args).resolve().parent / "dpia-output" / project.project.id
    return _build(project, assessment, out, args)


def cmd_demo(args: argparse.Namespace) -> int:
    args.example, args.file, args.large_scale, args.templates = True, None, None, None
    project, assessment = load_and_assess(args)
    return _build(project, assessment, args.out, args)


def _openpyxl_without_numpy() -> None:
    """Import openpyxl with numpy hidden: openpyxl imports numpy (a tenth of a second) when
    it is installed, only so that cells accept numpy numbers, and a build writes none. numpy
    is unhidden at once, so a later ``import numpy`` (pandas, in the register reports) works."""
    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail
    try:
        import openpyxl  # noqa: F401
    finally:
        del sys.modules["numpy"]


def _build(project: Project, assessment: Assessment, out: Path, args: argparse.Namespace) -> int:
    from dpia.render import BuildStopped, Job, build_all

    _openpyxl_without_numpy()

    templates = str(args.templates) if getattr(args, "templates", None) else None
    if getattr(args, "register", None) is not None:  # refused before the documents, not after
        from dpia.register.safety import refuse_before_work

        refuse_before_work(args.register)
    job = Job(project=project, assessment=assessment, out_dir=out, templates=templates)
    try:
        outputs = build_all(job)
    except BuildStopped:
        print(f"\nStopped. Every document was written to {out} first; nothing else was done.",
              file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print(f"\nStopped. Nothing was written to {out}.", file=sys.stderr)
        return 130
    status = "DRAFT" if project.is_draft else "signed off"
    print(f"Built {len(outputs)} files for {project.project.id} ({status}) in {out}:")
    for o in outputs:
        print(f"  {o.path.relative_to(out)}  {o.what}")
        for note in o.notes:
            print(f"      {note}")
    blocking = len(assessment.blocking_gaps)
    if blocking:
        print(f"{blocking} gap(s) block sign-off; see 'dpia check' or the DPIA's annex.")
    code = EXIT_OK
    if getattr(args, "register", None) is not None:
        code = _register_add(project, assessment, args)
    # The start page says what each document is for (dpia/render/index.py).
    print(f"\nStart with {out / 'index.html'} (open it in a web browser).")
    return code


def cmd_schema(args: argparse.Namespace) -> int:
    from dpia import report
    from dpia.answers.model import json_schema

    schema = json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "dpia answers file (format dpia-answers/1)"
    report.print_json(schema)
    return EXIT_OK


# --- the data-sharing register ---------------------------------------------------


def _add_edited_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--edited", choices=("stop", "keep", "replace"), default="stop",
        help="when people have edited cells dpia wrote: stop and show them (default), keep "
        "their values, or replace them with the answers' values",
    )


def _add_register_commands(sub: Any) -> None:
    reg = sub.add_parser(
        "register",
        help="the organisation's Excel data-sharing register: add, verify, due, summary",
        description="One Excel register of every data share across all projects. dpia adds and "
        "updates its rows, keeps rows and columns people add, and records every change in an "
        "audit log beside the workbook (NAME.audit.jsonl).",
    )
    rsub = reg.add_subparsers(dest="register_command", metavar="COMMAND")
    p = rsub.add_parser(
        "add", help="add or update a project's rows in the register (created if missing)",
        description="Add a project's flows, organisations and project row to the register, or "
        "update them. Flows no longer in the answers are marked ended, never deleted.",
    )
    _add_answers_arg(p)
    _add_assess_args(p)
    p.add_argument("--register", type=Path, metavar="XLSX", required=True, help="the register workbook")
    _add_edited_arg(p)
    p.set_defaults(handler=cmd_register_add)

    p = rsub.add_parser(
        "verify", help="check the register against its audit log; print the latest hash",
        description="Recompute the audit log's hash chain and compare every row dpia wrote with "
        "it. Exit 0 when everything matches, 1 when something was edited, deleted or reordered.",
    )
    p.add_argument("register", type=Path, metavar="XLSX")
    p.set_defaults(handler=cmd_register_verify)

    p = rsub.add_parser("due", help="list reviews due or overdue, and ended flows still marked active")
    p.add_argument("register", type=Path, metavar="XLSX")
    p.add_argument("--on", type=_iso_date, metavar="YYYY-MM-DD", help="as of this date (default: today)")
    p.add_argument("--within", type=_days, default=30, metavar="DAYS",
                   help="also list reviews due within this many days (default 30)")
    p.set_defaults(handler=cmd_register_due)

    p = rsub.add_parser("summary", help="count flows by partner, method, identifiability and status")
    p.add_argument("register", type=Path, metavar="XLSX")
    p.set_defaults(handler=cmd_register_summary)
    reg.set_defaults(handler=lambda args: _usage(reg))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return EXIT_USAGE


def _register_add(project: Project, assessment: Assessment, args: argparse.Namespace) -> int:
    from dpia.register.show import update_text
    from dpia.register.update import add_projects

    result = add_projects(args.register, [(project, assessment)], policy=args.edited)
    print(update_text(result))
    return EXIT_OK


def cmd_register_add(args: argparse.Namespace) -> int:
    project, assessment = load_and_assess(args)
    return _register_add(project, assessment, args)


def _existing(path: Path) -> Path:
    from dpia.register.safety import refuse_unusable

    refuse_unusable(path, creating=False)
    return path


def cmd_register_verify(args: argparse.Namespace) -> int:
    from dpia.register.show import verify_text
    from dpia.register.verify import verify

    report = verify(_existing(args.register))
    print(verify_text(report))
    return EXIT_OK if report.ok else EXIT_DATA


def cmd_register_due(args: argparse.Namespace) -> int:
    from dpia.register.reports import due
    from dpia.register.show import due_text

    on = args.on or date.today()
    if (date.max - on).days <= args.within:
        raise UsageError(f"--on {on.isoformat()} with --within {args.within} reaches past the "
                         "last date the calendar can hold; choose an earlier date or fewer days")
    print(due_text(due(_existing(args.register), on, args.within), on.isoformat()))
    return EXIT_OK


def cmd_register_summary(args: argparse.Namespace) -> int:
    from dpia.register.reports import summary
    from dpia.register.show import summary_text

    print(summary_text(summary(_existing(args.register))))
    return EXIT_OK


# --- the questionnaire: new and edit -------------------------------------------------


class _SectionNames:
    """The questionnaire's section names as argparse choices, looked up only when
    'dpia edit' checks or lists them, so other commands never load the questionnaire."""

    def _names(self) -> tuple[str, ...]:
        from dpia.questionnaire.questions import SECTION_NAMES

        return SECTION_NAMES

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())


def _add_questionnaire_commands(sub: Any) -> None:
    p = sub.add_parser(
        "new",
        help="answer the questionnaire, section by section, to write a new answers file",
        description="Ask every question about the project, section by section, saving after "
        "each one. Ctrl-C saves what you have answered; run the same command again to carry "
        "on. At the end: the checks, the verdict and gaps, and an offer to build the documents. "
        "With --from, start from a partial answers file and ask only what is missing.",
    )
    # As typed (str, not Path), so messages show the name the person typed.
    p.add_argument("file", help="the answers file to write (YAML)")
    p.add_argument(
        "--from", dest="from_file", type=Path, metavar="PARTIAL.yaml",
        help="start from these answers, ask only what is missing or wrong, write FILE and "
        "print the check summary (needs no terminal when nothing is missing)",
    )
    _add_assess_args(p)
    _add_build_args(p)
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser(
        "edit",
        help="answer one section of the questionnaire again, with the current answers as defaults",
    )
    p.add_argument("file", help="the answers file to change (YAML)")
    p.add_argument(
        "--section", choices=_SectionNames(), metavar="SECTION",
        help="the section to ask again: %(choices)s",
    )
    _add_assess_args(p)
    p.set_defaults(handler=cmd_edit)


def _prompter() -> Any:
    from dpia.questionnaire.prompting import Prompter

    return Prompter()


def _terminal() -> bool:
    """Both standard input and output are a terminal (either may be closed: None)."""
    return all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout))


def cmd_new(args: argparse.Namespace) -> int:
    from dpia.questionnaire import engine as questionnaire

    project = questionnaire.new(
        Path(args.file), _prompter, from_path=args.from_file, interactive=_terminal(),
        shown=args.file,
    )
    return _after_questionnaire(project, args, offer_build=args.from_file is None)


def cmd_edit(args: argparse.Namespace) -> int:
    from dpia.questionnaire import engine as questionnaire

    if not _terminal():
        raise UsageError("'dpia edit' asks its questions in a terminal; edit the file in a text "
                         "editor instead, then run 'dpia check' on it")
    project = questionnaire.edit(Path(args.file), _prompter, args.section, shown=args.file)
    return _after_questionnaire(project, args, offer_build=False)


def _after_questionnaire(project: Project, args: argparse.Namespace, offer_build: bool) -> int:
    from dpia import report
    from dpia.assessment.assess import assess
    from dpia.questionnaire.questions import WORDING

    assessment = assess(project, today_from(args), settings_from(args))
    if not offer_build:
        print()
        report.print_summary(project, assessment, args.file)
        return EXIT_OK
    from dpia.errors import QuestionnaireStopped
    from dpia.questionnaire.measures import record_risks

    try:
        recorded = record_risks(Path(args.file), project, list(assessment.risks), _prompter(),
                                shown=args.file)
        if recorded is not project:
            project, assessment = recorded, assess(recorded, today_from(args), settings_from(args))
        # The participants' first text, then the summary (one screen, so it stays in view at
        # the build offer), printed once, after the measures.
        _show_preview(project, assessment, args)
        print()
        report.print_summary(project, assessment, args.file)
        build = _prompter().confirm(WORDING.build_offer, default=True)
    except (KeyboardInterrupt, EOFError):
        raise QuestionnaireStopped(WORDING.after_stopped.format(path=args.file)) from None
    if build:
        out = args.out or Path(args.file).resolve().parent / "dpia-output" / project.project.id
        return _build(project, assessment, out, args)
    return EXIT_OK


def _show_preview(project: Project, assessment: Any, args: argparse.Namespace) -> None:
    """Before building: the first text participants read (the survey introduction), as the
    build will write it, so the person sees their answers in context (issue 12 point 11).
    The questionnaire itself does not render (layering); this runs after it."""
    from dpia.questionnaire.questions import WORDING
    from dpia.render import Job
    from dpia.render.participant import preview

    templates = str(args.templates) if getattr(args, "templates", None) else None
    job = Job(project=project, assessment=assessment, out_dir=Path(args.file).parent,
              templates=templates)
    try:
        shown = preview(job)
    except DpiaError:  # e.g. a template of the person's own that fails: the build says why
        return
    if shown is None:
        return
    what, text = shown
    say = _prompter().say
    say("")
    say(WORDING.preview.format(what=what), "section")
    for paragraph in text.strip("\n").split("\n"):
        say(f"  {paragraph}" if paragraph else "")
    say(WORDING.preview_after.format(path=args.file), "help")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
