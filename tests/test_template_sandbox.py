"""Templates given with --templates run in a sandbox: an allow-list of what they may
read and call, templates read only from inside their folder, and limits in time and size."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest
from conftest import TODAY, RunDpia
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from texts_helpers import project_from
from variants import contract_data

from dpia.answers.model import Project
from dpia.assessment.assess import assess
from dpia.errors import OutputError
from dpia.render import Job, sandbox
from dpia.render.templating import render
from dpia.render.texts import text_context

SECRET = "TOP-SECRET-4f1c9"
# Methods of every pydantic model; none may ever run from a template.
MODEL_METHODS = (
    "parse_raw", "parse_file", "parse_obj", "model_validate", "model_validate_json",
    "model_validate_strings", "copy", "model_copy", "dict", "json", "model_dump",
    "model_dump_json", "construct", "model_construct", "schema", "schema_json",
    "model_json_schema", "validate", "from_orm", "update_forward_refs", "model_rebuild",
)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the user's template folder, a folder outside it holding a secret file)."""
    root = tmp_path_factory.mktemp("sandbox")
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    mine = root / "mine"
    mine.mkdir()
    (mine / "leak.j2").symlink_to(outside / "secret.txt")
    (mine / "linkdir").symlink_to(outside, target_is_directory=True)
    return mine, outside


def new_job() -> tuple[Project, Job]:
    project = project_from(contract_data())
    return project, Job(project=project, assessment=assess(project, TODAY), out_dir=Path("."))


_names = itertools.count()


def render_user(source: str, mine: Path, context: dict[str, Any] | None = None) -> str:
    """Render ``source`` as a user's template (each call a new file, never a cached one)."""
    context = context or text_context(new_job()[1])
    name = f"t{next(_names)}.j2"
    (mine / name).write_text(source, encoding="utf-8")
    return render(name, context, str(mine))


@contextlib.contextmanager
def model_methods_watched() -> Iterator[list[str]]:
    """Record every call of a pydantic model method (and Project.org) while rendering."""
    called: list[str] = []
    saved: dict[tuple[type, str], Any] = {}

    def spy(owner: type, name: str) -> None:
        static = owner.__dict__.get(name)
        if static is None:
            return
        saved[(owner, name)] = static
        if isinstance(static, classmethod):
            original = static.__func__

            def wrapped_cls(cls: Any, *args: Any, **kwargs: Any) -> Any:
                called.append(name)
                return original(cls, *args, **kwargs)

            setattr(owner, name, classmethod(wrapped_cls))
        elif callable(static):
            def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
                called.append(name)
                return static(self, *args, **kwargs)

            setattr(owner, name, wrapped)

    for name in MODEL_METHODS:
        spy(pydantic.BaseModel, name)
    spy(Project, "org")
    spy(Project, "basis_for")
    try:
        yield called
    finally:
        for (owner, name), value in saved.items():
            setattr(owner, name, value)


# --- point 1: no model method, no mutation ----------------------------------------------------


@pytest.mark.parametrize("expression", [
    "p.sharing.clear()",
    "p.sharing.pop()",
    "orgs.clear()",
    "p.organisations.append(1)",
    "p.parse_raw('x', proto='pickle', allow_pickle=True)",
    "p.parse_file('SECRET_PATH')",
    "p.model_validate({})",
    "p.copy()",
    "p.dict()",
    "p.json()",
    "p.construct()",
    "lead.model_dump()",
    "p.sharing[0].model_copy(update={'to': 'x'})",
    "p.org('hwn')",
    "p.__class__",
    "p|attr('parse_file')",
    "p['parse_raw']",
    "'{0.parse_raw}'.format(p)",
    "vocab.get_args",
])
def test_a_model_method_is_not_reachable(folders: tuple[Path, Path], expression: str) -> None:
    mine, outside = folders
    project, job = new_job()
    before = project.model_dump()
    source = "{{ " + expression.replace("SECRET_PATH", str(outside / "secret.txt")) + " }}"
    context = text_context(job)
    with model_methods_watched() as called, pytest.raises(OutputError) as caught:
        render_user(source, mine, context)
    assert not called
    assert SECRET not in str(caught.value)
    assert project.model_dump() == before
    assert job.project.sharing and all(not f.to.startswith("x") for f in job.project.sharing)


def test_fields_and_allowed_properties_stay_readable(folders: tuple[Path, Path]) -> None:
    mine, _ = folders
    text = render_user(
        "{{ project.title }}|{{ p.sharing|length }}|{{ p.is_draft }}|"
        "{{ p.sharing[0].is_personal }}|{{ lead.name }}|{{ vocab.RIGHTS|length > 0 }}|"
        "{{ contact_point.privacy_contact.has_contact() if contact_point.privacy_contact }}",
        mine,
    )
    assert text.split("|")[:5] == ["Leaving hospital: carers' experiences of discharge", "3", "False",
                                   "True", "Healthwatch Northtown"]


# --- point 2: a template is read only from inside its folder -----------------------------------


@pytest.mark.parametrize("include", ["leak.j2", "linkdir/secret.txt"])
def test_a_linked_template_outside_the_folder_is_refused(
    folders: tuple[Path, Path], include: str
) -> None:
    mine, _ = folders
    with pytest.raises(OutputError, match="outside that folder") as caught:
        render_user("{% include '" + include + "' %}", mine)
    assert SECRET not in str(caught.value)


def test_a_linked_override_is_refused_in_a_build(
    run_dpia: RunDpia, contract_path: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "mine" / "privacy-notice"
    mine.mkdir(parents=True)
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (mine / "body.j2").symlink_to(tmp_path / "secret.txt")
    result = run_dpia("build", contract_path, "--out", tmp_path / "out",
                      "--templates", tmp_path / "mine")
    assert result.returncode == 1
    assert "privacy-notice/body.j2" in result.stderr and "outside that folder" in result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert not (tmp_path / "out").exists()


# --- point 3: limits in time and size ---------------------------------------------------------


def test_a_slow_template_is_stopped(folders: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    mine, _ = folders
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 0.5)
    loops = "{% set r = range(100000) %}{% for i in r %}{% for j in r %}{% for k in r %}" \
            "{% endfor %}{% endfor %}{% endfor %}"
    with pytest.raises(OutputError, match=r"took longer than 0.5 seconds .*; it was stopped"):
        render_user(loops, mine)


@pytest.mark.parametrize("source", [
    "{{ 'x' * 300000000 }}",
    "{% set s = namespace(x='x' * 1000000) %}{% for i in range(30) %}{% set s.x = s.x ~ s.x %}"
    "{% endfor %}",
    "{% set s = namespace(x='x' * 1000000) %}{% for i in range(30) %}{% set s.x = s.x + s.x %}"
    "{% endfor %}",
    "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
    "{{ 'x'|center(300000000) }}",
    "{{ '%300000000s'|format('x') }}",
    "{{ '{:>300000000}'.format('x') }}",
    "{{ ('x' * 1000000).replace('', 'yy') }}",
    "{{ (['x' * 1000000] * 100)|join }}",
    "{{ 10 ** 100000 }}",
    "{% set n = namespace(x=10 ** 1000) %}{% for i in range(20) %}{% set n.x = n.x * n.x %}"
    "{% endfor %}",
])
def test_a_huge_template_output_is_stopped(folders: tuple[Path, Path], source: str) -> None:
    mine, _ = folders
    with pytest.raises(OutputError, match=r"(characters|number|bits).*it was stopped"):
        render_user(source, mine)


# --- point 14: template faults are messages naming the right file ------------------------------


def test_template_faults_are_messages(folders: tuple[Path, Path]) -> None:
    mine, _ = folders
    (mine / "calls-missing.j2").write_text("line 1\n{% include 'nowhere.j2' %}\n", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        render_user("{% include 'calls-missing.j2' %}", mine)
    assert str(caught.value) == (
        "template 'calls-missing.j2' line 2 asks for template 'nowhere.j2', which was not found"
    )
    with pytest.raises(OutputError, match="calls itself .* too deeply"):
        render_user("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}", mine)
    with pytest.raises(OutputError, match="Range too big|over 1,000,000"):
        render_user("{% for i in range(10**12) %}{% endfor %}", mine)
    with pytest.raises(OutputError, match="failed: ZeroDivisionError"):
        render_user("{{ 1 // 0 }}", mine)


# --- the fuzz test ---------------------------------------------------------------------------

ROOTS = ["p", "project", "a", "lead", "orgs", "controllers", "vocab", "u", "screening", "risks",
         "gaps", "p.sharing", "p.organisations[0]", "self", "range", "dict", "namespace",
         "cycler", "joiner", "''", "[]", "{}", "rights_groups", "contact", "today", "label",
         "is_web_address", "p.data_protection", "a.risks[0]", "(1).__class__"]
ATTRS = ["__class__", "__mro__", "__subclasses__", "__globals__", "__init__", "__dict__",
         "__builtins__", "__getattribute__", "__reduce_ex__", "__self__", "__func__",
         "parse_raw", "parse_file", "parse_obj", "model_validate", "model_validate_json",
         "copy", "model_copy", "dict", "json", "model_dump", "construct", "model_construct",
         "model_fields", "schema", "org", "basis_for", "sharing", "organisations", "clear",
         "pop", "append", "update", "setdefault", "insert", "remove", "sort", "add",
         "extend", "name", "id", "title", "mro", "func_globals", "gi_frame", "f_globals",
         "read_text", "open", "os", "sys", "modules", "environment", "globals", "get", "items",
         "values", "keys", "format", "format_map", "func_code", "_TemplateReference__context",
         "to", "has_contact", "privacy_contact", "fromkeys", "RIGHTS", "label", "__call__"]
ARGS = ["", "'SECRET_PATH'", "'x', proto='pickle', allow_pickle=True", "0", "-1", "'x'", "{}",
        "'{0.__class__}'", "'hwn'", "update={'to': 'x'}"]
INCLUDES = ["leak.j2", "linkdir/secret.txt", "../outside/secret.txt", "/etc/hostname",
            "SECRET_PATH", "sub/../leak.j2"]

attr = st.sampled_from(ATTRS)
step = st.one_of(
    attr.map(lambda a: f".{a}"),
    attr.map(lambda a: f"['{a}']"),
    attr.map(lambda a: f"|attr('{a}')"),
    attr.map(lambda a: f"|map(attribute='{a}')|list"),
    st.sampled_from(ARGS).map(lambda a: f"({a})"),
    st.sampled_from(["|first", "|list", "|string", "|last", "|items", "|dictsort", "[0]",
                     "|reverse|list", "|sort|list", "|pprint"]),
)
expression = st.builds(lambda root, steps: root + "".join(steps),
                       st.sampled_from(ROOTS), st.lists(step, max_size=6))
statement = st.one_of(
    expression.map(lambda e: "{{ " + e + " }}"),
    expression.map(lambda e: "{% for x in " + e + " %}{{ x }}{% endfor %}"),
    st.tuples(attr, expression).map(lambda t: "{{ '{0." + t[0] + "}'.format(" + t[1] + ") }}"),
    st.tuples(attr, expression).map(
        lambda t: "{{ ('{0.' ~ '" + t[0] + "' ~ '}').format_map({'0': " + t[1] + "}) }}"),
    expression.map(lambda e: "{{ '%s %r'|format(" + e + ", " + e + ") }}"),
    st.tuples(expression, st.sampled_from(ARGS)).map(
        lambda t: "{% set y = " + t[0] + " %}{{ y(" + t[1] + ") }}"),
    st.sampled_from(INCLUDES).map(lambda n: "{% include '" + n + "' %}"),
    st.sampled_from(INCLUDES).map(lambda n: "{% import '" + n + "' as m %}{{ m }}"),
    expression.map(lambda e: "{% for c in " + e + ".__class__.__mro__[-1].__subclasses__() %}"
                             "{{ c }}{% endfor %}"),
)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(statement, min_size=1, max_size=4))
def test_fuzz_no_template_reaches_a_model_method_a_file_outside_or_mutates(
    folders: tuple[Path, Path], statements: list[str]
) -> None:
    mine, outside = folders
    source = "\n".join(statements).replace("SECRET_PATH", str(outside / "secret.txt"))
    project, job = new_job()
    before = project.model_dump()
    context = text_context(job)
    with model_methods_watched() as called:
        try:
            text = render_user(source, mine, context)
        except OutputError as exc:
            text = str(exc)
    assert not called, source
    assert SECRET not in text, source
    assert project.model_dump() == before, source
    assert os.path.exists(outside / "secret.txt")


# --- compiled shipped templates (dpia.render.templating.CompiledTemplates) ---------------


def _fresh_cache(shipped: Path, user: Path) -> Any:
    import jinja2

    from dpia.render.templating import CompiledTemplates

    return CompiledTemplates(shipped=shipped, user=jinja2.FileSystemBytecodeCache(str(user), "%s.cache"))


def _shipped_env(cache: Any) -> Any:
    from dpia.render import templating

    env = templating.environment.__wrapped__()  # a new environment, not the build's
    env.bytecode_cache = cache
    return env


def test_precompiled_templates_load_without_compiling_and_are_the_same_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compiled when the wheel is built, every shipped template is loaded, not compiled,
    at a user's first build, as the very code the sandbox compiles from it now."""
    import marshal

    from dpia.render.templating import precompile
    from dpia.resources import templates_dir

    shipped, user = tmp_path / "shipped", tmp_path / "user"
    user.mkdir()
    names = sorted(p.relative_to(templates_dir()).as_posix() for p in templates_dir().rglob("*.j2"))
    assert precompile(shipped) == len(names) > 20
    cache = _fresh_cache(shipped, user)
    env = _shipped_env(cache)
    compiled_now = {
        name: marshal.dumps(env.compile(env.loader.get_source(env, name)[0], name, name), 2) for name in names
    }

    def no_compiling(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("compiled a shipped template")

    monkeypatch.setattr(env, "compile", no_compiling)
    for name in names:
        env.get_template(name)  # found compiled
        loaded = cache.get_bucket(env, name, None, env.loader.get_source(env, name)[0]).code
        assert marshal.dumps(loaded, 2) == compiled_now[name], name  # 2: no references
    assert not list(user.iterdir())  # nothing compiled, so nothing kept for the user


def test_compiled_code_of_another_source_or_compiler_is_not_loaded(tmp_path: Path) -> None:
    """A template whose text changed since it was compiled is compiled again (Jinja
    compares the source's checksum), and code whose file name carries another compiler's
    fingerprint (another dpia's sandbox, Jinja or Python) is never looked at."""
    import jinja2

    from dpia.render.templating import CompiledTemplates, precompile

    shipped, user = tmp_path / "shipped", tmp_path / "user"
    user.mkdir()
    precompile(shipped)
    cache = _fresh_cache(shipped, user)
    env = _shipped_env(cache)
    name = "dpia/figure.svg.j2"
    bucket = cache.get_bucket(env, name, None, "{{ 'changed' }}")
    assert bucket.code is None  # the shipped code is of the shipped text, not this one
    same = cache.get_bucket(env, name, None, (env.loader.get_source(env, name))[0])
    assert same.code is not None
    other = CompiledTemplates(shipped=shipped, user=jinja2.FileSystemBytecodeCache(str(user), "%s.cache"))
    other.fingerprint = "0" * 16  # compiled by another sandbox
    assert other.get_cache_key(name) != cache.get_cache_key(name)
    assert other.get_bucket(env, name, None, (env.loader.get_source(env, name))[0]).code is None


def test_a_users_template_folder_is_never_served_compiled_code(folders: tuple[Path, Path]) -> None:
    """With --templates, every template (the user's and the shipped ones) is compiled
    afresh: no compiled code is read from anywhere."""
    from dpia.render import templating

    user_dir, _ = folders
    assert templating.environment(str(user_dir)).bytecode_cache is None
    assert isinstance(templating.environment().bytecode_cache, templating.CompiledTemplates)
