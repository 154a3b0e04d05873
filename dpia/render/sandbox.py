"""The sandbox every template runs in, shipped or a user's own (``--templates``).

What a template may reach is an allow-list, not a block-list:

* Plain values (text, numbers, dates, lists, dicts, Jinja's own loop and macro
  objects) follow Jinja's immutable sandbox: no attribute starting with ``_``,
  and no method that changes a list, dict or set (``p.sharing.clear()`` fails).
* Objects of the answers model (pydantic) and of dpia's own classes expose only
  their declared fields, plus the read-only properties and argument-free methods
  named in :data:`ALLOWED`. No other method is reachable or callable: not
  ``parse_raw``, ``parse_file``, ``model_validate``, ``copy``, ``json`` ...
* Anything else (a module, a class, a path, an unknown object) exposes nothing.
* Templates are read only from the template folders; a file or link that
  resolves outside its folder is refused (:class:`FolderLoader`).

A template is also bounded as it runs (no worker thread: the checks run inside
the render, at every loop step, call, attribute, operator and output chunk):
:data:`MAX_SECONDS` in time, :data:`MAX_CHARS` for the document and for any one
text or list it builds, :data:`MAX_NUMBER` for any number it passes to a
function or filter, :data:`MAX_INT_BITS` for any number it computes.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import time
import types
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from dpia.errors import OutputError

MAX_SECONDS = 10.0  # one template render, with everything it includes
MAX_CHARS = 2_000_000  # one document, and any one text or list a template builds
MAX_NUMBER = 1_000_000  # any whole number given to a function or filter
MAX_INT_BITS = 4096  # any whole number a template computes (about 1,200 digits)
MAX_TEMPLATE_BYTES = 1_000_000  # one template file

# Read-only properties and argument-free methods the shipped templates use, by class
# (module.qualname). Declared fields of models and dataclasses are allowed anyway.
ALLOWED: dict[str, frozenset[str]] = {
    "dpia.answers.model.Person": frozenset({"has_contact"}),
    "dpia.answers.model.Organisation": frozenset({"is_public_authority", "privacy_contact"}),
    "dpia.answers.model.Flow": frozenset({"is_personal", "is_insecure"}),
    "dpia.answers.model.Signoff": frozenset({"complete"}),
    "dpia.answers.model.Project": frozenset(
        {"org_ids", "controller_ids", "processor_ids", "bases", "is_draft"}
    ),
    "dpia.assessment.assess.Assessment": frozenset(
        {"people_risks", "organisation_risks", "blocking_gaps"}
    ),
    "dpia.assessment.checks.Gap": frozenset({"blocks"}),
    "dpia.assessment.facts.Holdings": frozenset({"full_record_keepers"}),
    "dpia.assessment.facts.FlowFacts": frozenset({"processor_contract", "contract_reference", "covered"}),
    "dpia.assessment.risks.Risk": frozenset(
        {"score", "level", "has_measures", "needs_measures", "level_after", "cell_after", "unplaced_after"}
    ),
    "dpia.assessment.screening.Screening": frozenset({"european_count"}),
    "dpia.render.blocks.Table": frozenset({"columns"}),
    "dpia.render.blocks.Document": frozenset({"headings"}),
    "dpia.render.index.Document": frozenset({"name", "main", "others"}),
    "dpia.render.diagrams.Line": frozenset({"head"}),
    "dpia.render.readability.Score": frozenset(
        {"target", "meets_target", "word_limit", "within_word_limit"}
    ),
}

_PLAIN = (str, int, float, complex, bool, type(None), date, datetime, list, tuple, dict,
          set, frozenset, range, types.MappingProxyType, slice, bytes)
_FUNCTIONS = (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
              types.BuiltinMethodType, types.GeneratorType, types.MethodWrapperType)
_JINJA_MODULES = ("jinja2.runtime", "jinja2.utils", "jinja2.sandbox", "jinja2.environment",
                  "jinja2.filters", "jinja2.nodes")
# Classes a template may call: Jinja's globals (dict(), namespace(), cycler(), joiner()).
_CALLABLE_CLASSES = (dict, jinja2.utils.Namespace, jinja2.utils.Cycler, jinja2.utils.Joiner)


class TemplateLimit(jinja2.TemplateError):
    """A template went over one of the limits; the message says which."""


def _class_key(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_plain(obj: Any) -> bool:
    """Ordinary data and Jinja's own objects: Jinja's immutable sandbox rules apply."""
    cls: type = type(obj)
    return _plain_class(cls)


# The answers below depend only on an object's class (its real one: ``type(obj)``, which
# an object cannot fake), so each class is looked at once per run, not at every attribute
# a template reads (a DPIA reads some 20,000).
@cache
def _plain_class(cls: type) -> bool:
    if issubclass(cls, (*_PLAIN, *_FUNCTIONS)):
        return True
    module = cls.__module__
    return module in _JINJA_MODULES or module in ("markupsafe", "builtins") and not issubclass(
        cls, type
    )


def declared(obj: Any) -> frozenset[str]:
    """The attribute names a template may read on a non-plain object."""
    if isinstance(obj, (type, types.ModuleType)):
        return frozenset()
    cls: type = type(obj)
    return _declared_by_class(cls)


@cache
def _declared_by_class(cls: type) -> frozenset[str]:
    names: set[str] = set(ALLOWED.get(_class_key(cls), ()))
    fields = getattr(cls, "model_fields", None)  # pydantic models
    if isinstance(fields, dict) and cls.__module__.startswith("dpia."):
        names.update(fields)
    if dataclasses.is_dataclass(cls) and cls.__module__.startswith("dpia."):
        names.update(f.name for f in dataclasses.fields(cls))
    return frozenset(name for name in names if not name.startswith("_"))


def _bound_to(obj: Any) -> tuple[Any, str] | None:
    """(the object, the method's name) for a bound method, else None."""
    owner = getattr(obj, "__self__", None)
    if owner is None or isinstance(owner, types.ModuleType):
        return None
    return owner, getattr(obj, "__name__", "")


class Budget:
    """The limits of one render: a deadline, checked wherever a template can spend time."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.deadline = time.monotonic() + MAX_SECONDS

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit(
                f"took longer than {MAX_SECONDS:g} seconds (a loop that runs too often?)"
            )


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles ``~`` so the text it joins is measured (see :meth:`SafeEnvironment.sized`)."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.sized(")
        super().visit_Concat(node, frame)
        self.write(")")


class SafeEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with dpia's allow-list and limits (see the module's docstring)."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%", "//", "/"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals.pop("lipsum", None)
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}
        self.budget: Budget | None = None

    # --- what a template may reach ------------------------------------------------

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_") or not super().is_safe_attribute(obj, attr, value):
            return False
        return _is_plain(obj) or attr in declared(obj)

    def is_safe_callable(self, obj: Any) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if isinstance(obj, type):
            return issubclass(obj, _CALLABLE_CLASSES)
        bound = _bound_to(obj)
        if bound is None or bound[0] is self or _is_plain(bound[0]):
            return True
        owner, name = bound
        return name in ALLOWED.get(_class_key(type(owner)), ())

    def getattr(self, obj: Any, attribute: str) -> Any:
        self._tick()
        if _is_plain(obj):
            return super().getattr(obj, attribute)
        if attribute not in declared(obj):
            return self.unsafe_undefined(obj, attribute)  # not even evaluated
        # A declared field or listed property of dpia's own object: Jinja's further checks
        # are about plain data (its internals, and methods that change a list or dict), so
        # the value is read directly: most of what a template reads, read at half the cost.
        try:
            return getattr(obj, attribute)
        except AttributeError:
            return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self._tick()
        if isinstance(argument, str) and not _is_plain(obj) and argument not in declared(obj):
            return self.unsafe_undefined(obj, argument)
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        __self._tick()
        _check_arguments(args, kwargs)
        bound = _bound_to(__obj)
        if bound is not None and isinstance(bound[0], str) and bound[1] in ("join", "replace"):
            _check_str_method(bound[0], bound[1], args)
        return _checked(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self._tick()
        if (operator == "**" and isinstance(left, int) and isinstance(right, int)
                and right > 0 and max(abs(left), 2).bit_length() * right > MAX_INT_BITS):
            raise TemplateLimit(f"computes a number that is too big ({left} ** {right})")
        if operator == "*":
            _check_product(left, right)
        if operator == "%" and isinstance(left, str):
            _check_format(left)
            _check_arguments(right if isinstance(right, tuple) else (right,), {})
        return _checked(super().call_binop(context, operator, left, right))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``text.format`` / ``format_map``: the format may not ask for a huge width."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped

    def sized(self, text: str) -> str:
        """The result of ``~``, refused when over :data:`MAX_CHARS`."""
        self._tick()
        return str(_checked(text))

    def _tick(self) -> None:
        if self.budget is not None:
            self.budget.tick()

    def ticking(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """Every ``for`` loop runs through this: it checks the deadline as it goes."""
        for count, item in enumerate(iterable):
            if count % 256 == 0:
                self._tick()
            yield item

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(
                nodes.EnvironmentAttribute("ticking", lineno=loop.lineno),
                [loop.iter], [], None, None, lineno=loop.lineno,
            )
        return tree

    # --- rendering with the limits --------------------------------------------------

    def render_bounded(self, name: str, context: dict[str, Any]) -> str:
        """Render ``name`` within the limits; :class:`TemplateLimit` names the limit passed."""
        outer = self.budget
        if outer is None:
            self.budget = Budget(name)
        try:
            chunks: list[str] = []
            size = 0
            for chunk in self.get_template(name).generate(context):
                size += len(chunk)
                if size > MAX_CHARS:
                    raise TemplateLimit(f"writes more than {MAX_CHARS:,} characters")
                self._tick()
                chunks.append(chunk)
            return "".join(chunks)
        finally:
            self.budget = outer


def _too_big(what: str) -> TemplateLimit:
    return TemplateLimit(f"builds {what} longer than {MAX_CHARS:,} characters")


def _checked(value: Any) -> Any:
    if isinstance(value, (str, list, tuple, dict, set, frozenset)) and len(value) > MAX_CHARS:
        return _raise(_too_big("a text or list"))
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        return _raise(TemplateLimit(f"computes a number with more than {MAX_INT_BITS} bits"))
    return value


def _raise(exc: Exception) -> Any:
    raise exc


def _check_arguments(args: Iterable[Any], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
            raise TemplateLimit(f"passes a number over {MAX_NUMBER:,} to a function ({value})")


def _check_product(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, (str, list, tuple)):
        left, right = right, left
    if isinstance(left, (str, list, tuple)) and isinstance(right, int):
        if len(left) * max(right, 0) > MAX_CHARS:
            raise _too_big("a text or list")
    elif (isinstance(left, int) and isinstance(right, int)
          and left.bit_length() + right.bit_length() > MAX_INT_BITS + 1):
        raise TemplateLimit(f"computes a number with more than {MAX_INT_BITS} bits")


_LONG_NUMBER = re.compile(r"\d{7,}")


def _check_format(spec: str) -> None:
    """A format string may not ask for a width or precision over :data:`MAX_NUMBER`."""
    if _LONG_NUMBER.search(spec):
        raise TemplateLimit(f"uses a format with a number over {MAX_NUMBER:,}")


def _joined_size(separator: str, parts: Any) -> int:
    if not isinstance(parts, (list, tuple)):
        return 0
    return len(separator) * len(parts) + sum(len(p) for p in parts if isinstance(p, str))


def _check_str_method(text: str, method: str, args: tuple[Any, ...]) -> None:
    if method == "join" and args:
        size = _joined_size(text, args[0])
    elif method == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        size = len(text) + (text.count(args[0]) if args[0] else len(text) + 1) * len(args[1])
    else:
        return
    if size > MAX_CHARS:
        raise _too_big("a text")


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A built-in filter whose numbers and result are checked against the limits."""
    # Filters that take the environment or context first keep that marker.
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)
        if name == "replace" and len(args) >= 4:
            _check_str_method(str(args[1]), "replace", (str(args[2]), str(args[3])))
        if name == "join" and len(args) >= 2:
            separator = args[2] if len(args) > 2 else kwargs.get("d", "")
            if _joined_size(str(separator), args[1]) > MAX_CHARS:
                raise _too_big("a text")
        if name == "format" and args:
            _check_format(str(args[0]))
        return _checked(func(*args, **kwargs))

    bounded.__name__ = getattr(func, "__name__", name)
    pass_arg = getattr(func, "jinja_pass_arg", None)
    if pass_arg is not None:
        bounded.jinja_pass_arg = pass_arg  # type: ignore[attr-defined]
    return bounded


class FolderLoader(jinja2.BaseLoader):
    """Templates from folders, first match wins, each file resolved and kept inside its folder.

    A template (or a folder on its way) that is a link resolving outside the folder
    it was found in is refused, as is anything that is not a regular file.
    """

    def __init__(self, folders: list[Path]) -> None:
        self.folders = [folder.resolve() for folder in folders]

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            real = path.resolve()
            if not real.is_relative_to(folder):
                raise OutputError(
                    f"template '{template}' in {folder} is a link to {real}, outside that folder; "
                    "templates are only read from inside their folder. Copy the file in instead."
                )
            try:
                info = real.stat()
            except OSError as exc:
                raise OutputError(f"template '{template}' cannot be read: {exc.strerror}") from None
            if not stat.S_ISREG(info.st_mode):
                raise OutputError(f"template '{template}' in {folder} is not a regular file")
            if info.st_size > MAX_TEMPLATE_BYTES:
                raise OutputError(
                    f"template '{template}' is {info.st_size:,} bytes; at most "
                    f"{MAX_TEMPLATE_BYTES:,} are accepted"
                )
            try:
                source = real.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise OutputError(f"template '{template}' cannot be read: {exc}") from None
            mtime = info.st_mtime

            def uptodate(real: Path = real, mtime: float = mtime) -> bool:
                try:
                    return real.stat().st_mtime == mtime
                except OSError:
                    return False

            return source, str(path), uptodate
        raise jinja2.TemplateNotFound(template)


def plain_namespace(module: types.ModuleType) -> types.MappingProxyType[str, Any]:
    """A module's public constants and its own functions, read-only, without the module
    itself (``vocab.RIGHTS`` in a template reads the mapping's key)."""
    values = {
        name: value
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (
            isinstance(value, (str, int, float, tuple, frozenset, dict))
            or (isinstance(value, types.FunctionType) and value.__module__ == module.__name__)
        )
    }
    return types.MappingProxyType(values)


