"""Every locking read and every version check in the product runs inside a transaction.

`select_for_update()` outside a transaction fails every save on PostgreSQL
(TransactionManagementError) and locks nothing on SQLite, where two saves at one version then
both succeed, one silently replacing the other. Tests run inside a transaction, so they cannot
see it; this reads the source instead. A function that locks (`select_for_update`) or compares a
record's `version` must be decorated with `@transaction.atomic` (or `@atomic`), or do it inside a
`with transaction.atomic():` block of its own; a private helper (`_name`) may instead be called
only from such places in its module. A version check must also lock the row it checks, in the
same function, or two saves could both pass it.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT_APPS = ("core", "imports", "placements", "dps", "panel", "reporting")
VERSION_CHECKERS = {"_check_version"}

Function = ast.FunctionDef | ast.AsyncFunctionDef


def _product_modules() -> list[Path]:
    return sorted(
        path
        for app in PRODUCT_APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
    )


def _is_atomic(node: ast.expr) -> bool:
    """`transaction.atomic` or `atomic`, called or not (`@atomic(using=...)`, `with atomic():`)."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr == "atomic" and isinstance(node.value, ast.Name)
    return isinstance(node, ast.Name) and node.id == "atomic"


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _locks(call: ast.Call) -> bool:
    return _called_name(call) == "select_for_update"


def _checks_version(node: ast.AST) -> bool:
    """`x.version != version` (or ==), or a call of the module's version-check helper."""
    if isinstance(node, ast.Call):
        return _called_name(node) in VERSION_CHECKERS
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        return any(isinstance(o, ast.Attribute) and o.attr == "version" for o in operands)
    return False


@dataclass
class _Site:
    """A place in a function: whether it is inside `with transaction.atomic()` there."""

    line: int
    in_atomic_block: bool


@dataclass
class _FunctionFacts:
    node: Function
    qualname: str
    atomic_decorated: bool
    locks: list[_Site] = field(default_factory=list)
    version_checks: list[_Site] = field(default_factory=list)
    calls: dict[str, list[_Site]] = field(default_factory=dict)


def _collect(function: Function, qualname: str) -> _FunctionFacts:
    """What `function`'s own body (not the functions nested in it) locks, checks and calls."""
    facts = _FunctionFacts(
        node=function,
        qualname=qualname,
        atomic_decorated=any(_is_atomic(d) for d in function.decorator_list),
    )

    def visit(node: ast.AST, in_atomic: bool) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            return
        if isinstance(node, ast.With | ast.AsyncWith) and any(
            _is_atomic(item.context_expr) for item in node.items
        ):
            for item in node.items:
                visit(item.context_expr, in_atomic)
            for statement in node.body:
                visit(statement, True)
            return
        site = _Site(getattr(node, "lineno", function.lineno), in_atomic)
        if isinstance(node, ast.Call):
            if _locks(node):
                facts.locks.append(site)
            name = _called_name(node)
            if name is not None:
                facts.calls.setdefault(name, []).append(site)
        if _checks_version(node):
            facts.version_checks.append(site)
        for child in ast.iter_child_nodes(node):
            visit(child, in_atomic)

    for statement in function.body:
        visit(statement, False)
    return facts


def _functions(tree: ast.Module) -> list[_FunctionFacts]:
    found: list[_FunctionFacts] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                qualname = f"{prefix}{child.name}"
                found.append(_collect(child, qualname))
                walk(child, f"{qualname}.")
            elif isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}.")
            else:
                walk(child, prefix)

    walk(tree, "")
    return found


def _module_problems(source: str, label: str) -> list[str]:
    """What in one module's source locks or checks a version outside a transaction."""
    functions = _functions(ast.parse(source))
    by_name: dict[str, list[_FunctionFacts]] = {}
    for facts in functions:
        by_name.setdefault(facts.node.name, []).append(facts)

    def always_in_transaction(facts: _FunctionFacts, site: _Site, seen: frozenset[str]) -> bool:
        if facts.atomic_decorated or site.in_atomic_block:
            return True
        name = facts.node.name
        if not name.startswith("_") or name in seen:
            return False
        callers = [
            (caller, call)
            for caller in functions
            for call in caller.calls.get(name, [])
            if caller is not facts
        ]
        return bool(callers) and all(
            always_in_transaction(caller, call, seen | {name}) for caller, call in callers
        )

    # A module's own helper that locks (`_locked`) locks for its callers too.
    locking = {facts.node.name for facts in functions if facts.locks}
    grown = True
    while grown:
        more = {f.node.name for f in functions if locking.intersection(f.calls)} - locking
        grown = bool(more)
        locking |= more

    problems: list[str] = []
    for facts in functions:
        where = f"{label}:{facts.node.lineno} {facts.qualname}()"
        for site in facts.locks:
            if not always_in_transaction(facts, site, frozenset()):
                problems.append(
                    f"{where} calls select_for_update() (line {site.line}) outside a "
                    "transaction: decorate it with @transaction.atomic or lock inside "
                    "`with transaction.atomic():`"
                )
        for site in facts.version_checks:
            if not always_in_transaction(facts, site, frozenset()):
                problems.append(
                    f"{where} checks a version (line {site.line}) outside a transaction: "
                    "decorate it with @transaction.atomic"
                )
            if facts.node.name not in VERSION_CHECKERS and not locking.intersection(
                {*facts.calls, facts.node.name}
            ):
                problems.append(
                    f"{where} checks a version (line {site.line}) of a row it has not locked: "
                    "read it with select_for_update() first, or two saves can both pass"
                )
    return problems


def test_every_locking_read_and_version_check_runs_in_a_transaction():
    problems = [
        problem
        for path in _product_modules()
        for problem in _module_problems(path.read_text(), str(path.relative_to(ROOT)))
    ]

    assert problems == [], "\n".join(problems)


def test_the_check_reads_the_product():
    """It would pass vacuously if it found nothing: the services that lock are there."""
    locking = {
        f"{path.relative_to(ROOT)}:{facts.qualname}"
        for path in _product_modules()
        for facts in _functions(ast.parse(path.read_text()))
        if facts.locks
    }

    assert {
        "placements/services.py:placement_update",
        "placements/services.py:placement_withdraw",
        "dps/market_services.py:fee_schedule_update",
        "panel/services.py:decision_record",
        "reporting/sufficiency_services.py:planned_places_update",
    } <= locking


# --- The check itself: it fires on the faults it exists for --------------------------------

FAULTS = {
    "a helper between the decorator and the service (the fault that reached users)": """
        @transaction.atomic
        def _check(item):
            pass

        def update(*, pk, version):
            item = Thing.objects.select_for_update().get(pk=pk)
            if item.version != version:
                raise StaleEditError("stale")
    """,
    "no decorator at all": """
        def update(*, pk):
            return Thing.objects.select_for_update().get(pk=pk)
    """,
    "locking before the atomic block opens": """
        def update(*, pk):
            item = Thing.objects.select_for_update().get(pk=pk)
            with transaction.atomic():
                item.save()
    """,
    "a locking helper that one caller uses outside a transaction": """
        def _current(pk):
            return Thing.objects.select_for_update().get(pk=pk)

        @transaction.atomic
        def change(*, pk):
            _current(pk)

        def remove(*, pk):
            _current(pk).delete()
    """,
    "a version checked without a lock": """
        @transaction.atomic
        def update(*, pk, version):
            item = Thing.objects.get(pk=pk)
            _check_version(item.version, version)
    """,
    "a locking read in a nested function the atomic block does not cover": """
        def update(*, pk):
            def read():
                return Thing.objects.select_for_update().get(pk=pk)
            with transaction.atomic():
                pass
            return read()
    """,
}

SOUND = """
    @transaction.atomic
    def change(*, pk, version):
        item = _current(pk, version)

    @atomic
    def remove(*, pk, version):
        _current(pk, version).delete()

    def _current(pk, version):
        item = Thing.objects.select_for_update().get(pk=pk)
        _check_version(item.version, version)
        return item

    def rename(*, pk, version):
        with transaction.atomic():
            item = Thing.objects.select_for_update().get(pk=pk)
            if item.version != version:
                raise StaleEditError("stale")
"""


@pytest.mark.parametrize("source", FAULTS.values(), ids=FAULTS.keys())
def test_the_check_fires_on_a_locking_read_outside_a_transaction(source):
    assert _module_problems(textwrap.dedent(source), "fault.py") != []


def test_the_check_accepts_atomic_services_and_helpers_they_call():
    assert _module_problems(textwrap.dedent(SOUND), "sound.py") == []
