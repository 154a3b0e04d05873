"""The Jinja2 environment every text output is rendered with.

* Strict undefined: a missing value fails the build instead of printing "Dear ,".
* Autoescape is switched on explicitly for every ``*.html.j2`` template
  (``select_autoescape`` would miss that double extension).
* Markdown and plain text are not escaped by Jinja: templates pipe user text
  through the ``md`` / ``mdcell`` filters in Markdown outputs.
* A user's ``--templates DIR`` overrides shipped templates by name. Every
  template, shipped or not, runs in dpia's sandbox (:mod:`dpia.render.sandbox`):
  an allow-list of what it may read and call, and limits in time and size.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sys
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from dpia.answers import placeholders, vocab
from dpia.answers.words import join_and, with_article
from dpia.errors import OutputError
from dpia.render.sandbox import FolderLoader, SafeEnvironment, TemplateLimit, plain_namespace
from dpia.resources import templates_dir


def _autoescape(name: str | None) -> bool:
    return bool(name) and str(name).endswith((".html.j2", ".html", ".htm", ".svg.j2"))


# Characters that start Markdown syntax anywhere in a line. Parentheses and "!"
# only matter after "]" (links, images), which is always escaped, so they stay
# as written and the Markdown source reads cleanly in a diff.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|<>~])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=>])", re.M)
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])", re.M)
# "&" only needs escaping where it would start an entity such as &copy; or &#60;.
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def md(value: Any) -> str:
    """Escape text for Markdown so it cannot add headings, links, tables or HTML."""
    text = "" if value is None else str(value)
    text = _MD_ENTITY.sub("&amp;", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    text = _MD_ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return text


def mdcell(value: Any) -> str:
    """Escape text for a Markdown table cell: also keep it on one line."""
    return " ".join(md(value).split())


_BLK_SPECIAL = re.compile(r"([\\\[\]|@])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def blk(value: Any) -> str:
    """Escape text for the document block markup (see :mod:`dpia.render.blocks`).

    User text can then never start a block, close a table cell or add styling;
    line breaks in the text are kept as explicit breaks.
    """
    text = "" if value is None else str(value)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _BLK_SPECIAL.sub(r"\\\1", text).replace("\n", "[br]")


def long_date(value: date | None) -> str:
    """2026-02-02 -> '2 February 2026' (UK style)."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def first_upper(value: Any) -> str:
    """Capitalise the first letter only ('NHS trust' stays 'NHS trust', unlike ``capitalize``)."""
    text = str(value)
    return text[:1].upper() + text[1:]


def _vocab_table(name: str) -> dict[str, str]:
    table = getattr(vocab, name.upper(), None)
    if not isinstance(table, dict):
        raise OutputError(f"template asks for an unknown vocabulary '{name}'")
    return table


def label(code: Any, table: str) -> str:
    """Plain-English wording for a code, e.g. ``flow.method | label('transfer_methods')``."""
    return vocab.label(_vocab_table(table), str(code))


def _shown_join(join: Any) -> Any:
    """Jinja's ``join`` copies the characters of each item, so a placeholder would print
    as typed: print each item as ``str`` gives it first (a placeholder says it is missing)."""

    @jinja2.pass_eval_context
    def shown_join(ctx: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
        items = value if attribute is not None else [
            str(v) if isinstance(v, placeholders.Placeholder) else v for v in value
        ]
        return join(ctx, items, d, attribute)  # type: ignore[no-any-return]

    return shown_join


def extract(key: Any, container: Any) -> Any:
    """``ids|map('extract', orgs)``: look each key up in a mapping."""
    return container[key]


def _configure(env: SafeEnvironment) -> SafeEnvironment:
    env.filters["join"] = _shown_join(env.filters["join"])
    env.filters.update(
        md=md,
        mdcell=mdcell,
        blk=blk,
        long_date=long_date,
        join_and=join_and,
        with_article=with_article,
        first_upper=first_upper,
        label=label,
        extract=extract,
    )
    env.globals.update(vocab=plain_namespace(vocab))
    return env


@lru_cache(maxsize=8)
def environment(user_dir: str | None = None) -> SafeEnvironment:
    """The sandboxed environment: the shipped templates, with a user's overrides first.

    Shipped templates run in the same sandbox as a user's own (see
    :mod:`dpia.render.sandbox`), so every template sees the same allow-list.
    """
    search = [templates_dir()]
    options: dict[str, Any] = {
        "undefined": jinja2.StrictUndefined,
        "autoescape": _autoescape,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if user_dir is None:
        # Shipped templates are used compiled (see CompiledTemplates): compiling them all
        # takes longer than starting Python and importing the libraries a build needs.
        # A user's own templates (below) are always compiled afresh.
        return _configure(
            SafeEnvironment(loader=FolderLoader(search), bytecode_cache=CompiledTemplates(), **options)
        )
    folder = Path(user_dir)
    if not folder.is_dir():
        raise OutputError(f"--templates: '{user_dir}' is not a folder")
    return _configure(SafeEnvironment(loader=FolderLoader([folder, *search]), **options))


class CompiledTemplates(jinja2.BytecodeCache):
    """The shipped templates' compiled code: first as compiled when dpia's wheel was built
    (:func:`precompile`, into ``compiled-templates/`` beside ``templates/``, where dpia's
    own code is installed), else as compiled by an earlier build of this user (Jinja's
    private folder for the user in the temporary directory, which Jinja creates with
    mode 700 and refuses if another user owns it), else compiled now and kept there.

    Code is only used if it was compiled from the very template text read now (Jinja
    compares a checksum of the source) by this compiler: the file names carry a
    fingerprint of the sandbox, these settings, Jinja's and Python's versions (Jinja
    also checks Python's), so code compiled by another dpia or outside the sandbox is
    never loaded. Only the environment of the shipped templates has this cache; one
    with a user's ``--templates`` folder compiles everything afresh.
    """

    def __init__(self, shipped: Path | None = None, user: jinja2.BytecodeCache | None = None) -> None:
        self.shipped = compiled_dir() if shipped is None else shipped
        self.user = _user_cache() if user is None else user
        self.fingerprint = _compiler_fingerprint()

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # By name, not by the template's path: the same wherever dpia is installed.
        return hashlib.sha256(f"{self.fingerprint}|{name}".encode()).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if self.fingerprint is None:
            return
        with contextlib.suppress(OSError), open(self.shipped / f"{bucket.key}.cache", "rb") as f:
            bucket.load_bytecode(f)  # left empty unless the checksum and Python match
        if bucket.code is None and self.user is not None:
            self.user.load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if self.fingerprint is not None and self.user is not None:
            self.user.dump_bytecode(bucket)


def compiled_dir() -> Path:
    return templates_dir().parent / "compiled-templates"


def _user_cache() -> jinja2.BytecodeCache | None:
    try:
        return jinja2.FileSystemBytecodeCache(pattern="__dpia_%s.cache")
    except (OSError, RuntimeError):  # no usable temporary folder: compile every time
        return None


@lru_cache(maxsize=1)
def _compiler_fingerprint() -> str | None:
    """What the compiled code depends on besides the template: the sandbox's compiler and
    this module's settings (their source), Jinja's and Python's versions."""
    from dpia.render import sandbox

    digest = hashlib.sha256(f"{jinja2.__version__}|{sys.version_info[:2]}".encode())
    try:
        for module in (sandbox.__file__, __file__):
            digest.update(Path(module).read_bytes())
    except (OSError, TypeError):  # no source to fingerprint: never use compiled code
        return None
    return digest.hexdigest()[:16]


def precompile(target: Path) -> int:
    """Compile every shipped template into ``target`` (as :class:`CompiledTemplates` reads
    them); returns how many. Run when the wheel is built (``hatch_build.py``); in a source
    checkout, ``python -m dpia.render.templating`` does it for ``compiled-templates/``."""
    env = environment()
    cache = CompiledTemplates(shipped=target, user=jinja2.FileSystemBytecodeCache(str(target), "%s.cache"))
    target.mkdir(parents=True, exist_ok=True)
    names = sorted(p.relative_to(templates_dir()).as_posix() for p in templates_dir().rglob("*.j2"))
    for name in names:
        source = (templates_dir() / name).read_text(encoding="utf-8")
        bucket = jinja2.bccache.Bucket(env, cache.get_cache_key(name), cache.get_source_checksum(source))
        # Compiled under its name, not this machine's path (error messages name the template).
        bucket.code = env.compile(source, name, name)
        cache.dump_bytecode(bucket)
    return len(names)


def render(name: str, context: dict[str, Any], user_dir: str | None = None) -> str:
    """Render one template; template faults become an :class:`OutputError` naming the template."""
    env = environment(user_dir)
    try:
        return env.render_bounded(name, context)
    except jinja2.TemplateNotFound as exc:
        missing = exc.name or name
        where = _template_frame(exc, env)
        if missing != name and where:
            raise OutputError(
                f"template '{where[0]}' line {where[1]} asks for template '{missing}', "
                "which was not found"
            ) from None
        raise OutputError(f"template '{missing}' was not found") from None
    except jinja2.UndefinedError as exc:
        raise OutputError(f"template {_at(exc, name, env)} uses a value that is not defined: {exc}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise OutputError(
            f"template '{exc.name or name}' line {exc.lineno} has a syntax error: {exc.message}"
        ) from None
    except jinja2.exceptions.SecurityError as exc:
        raise OutputError(f"template {_at(exc, name, env)} tried something unsafe: {exc}") from None
    except TemplateLimit as exc:
        raise OutputError(f"template {_at(exc, name, env)} {exc.message}; it was stopped") from None
    except RecursionError:
        raise OutputError(
            f"template {_at(None, name, env)} calls itself (or includes itself) too deeply; it was stopped"
        ) from None
    except MemoryError:
        raise OutputError(f"template '{name}' ran out of memory; it was stopped") from None
    except OutputError:
        raise
    except Exception as exc:
        if user_dir is None:
            raise  # a fault in a shipped template is dpia's bug: keep the traceback
        raise OutputError(
            f"template {_at(exc, name, env)} failed: {type(exc).__name__}: {exc}"
        ) from None


def _template_frame(exc: BaseException | None, env: SafeEnvironment) -> tuple[str, int] | None:
    """The template name and line where ``exc`` was raised (the innermost template frame)."""
    found = None
    tb = exc.__traceback__ if exc is not None else None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith(".j2"):
            found = (_template_name(code.co_filename, env), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _template_name(filename: str, env: SafeEnvironment) -> str:
    """A template's file as its name in its folder ('privacy-notice/body.j2')."""
    path = Path(filename)
    assert isinstance(env.loader, FolderLoader)
    for folder in env.loader.folders:
        if path.is_relative_to(folder):
            return path.relative_to(folder).as_posix()
    return filename


def _at(exc: BaseException | None, name: str, env: SafeEnvironment) -> str:
    where = _template_frame(exc, env)
    if where is None:
        return f"'{name}'"
    return f"'{where[0]}' line {where[1]}"


if __name__ == "__main__":
    print(f"{precompile(compiled_dir())} templates compiled into {compiled_dir()}")
