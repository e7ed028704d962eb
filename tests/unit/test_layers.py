"""The packages depend one way: the domain on nothing of ours, storage on the domain, the views
on both, the API and the workers on those, and the composition root (``aixin``) on all; and no
module imports, however late, a module that imports it back."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "storage", "projections", "api", "workers", "aixin")

#: What each package may import of ours besides itself. The API and the workers build their
#: stores through the composition root (``aixin.bootstrap``, ``aixin.settings``).
MAY_IMPORT = {
    "domain": set(),
    "storage": {"domain"},
    "projections": {"domain", "storage"},
    "workers": {"domain", "storage", "projections", "aixin"},
    "api": {"domain", "storage", "projections", "workers", "aixin"},
    "aixin": {"domain", "storage", "projections", "workers", "api"},
}


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _run(tree: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``tree`` that run: all but those under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) \
                and node.test.id == "TYPE_CHECKING":
            continue
        yield node
        yield from _run(node)


def imported(name: str) -> Iterator[str]:
    """Every module of ours that ``name`` imports when it runs, at its top or in a function
    (names imported for the type checker alone are not imported)."""
    for node in _run(ast.parse(modules()[name].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from package import module`` imports the module; of a name, its module
            targets = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}"
                       in modules() else node.module for alias in node.names]
        else:
            continue
        yield from (target for target in targets if target in modules() and target != name)


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_only_the_packages_beneath_it(package: str) -> None:
    wrong = sorted(f"{name} imports {target}" for name in modules()
                   if name.split(".")[0] == package for target in imported(name)
                   if target.split(".")[0] not in MAY_IMPORT[package] | {package})
    assert wrong == []


def test_no_module_imports_a_module_that_imports_it_back() -> None:
    graph = {name: set(imported(name)) for name in modules()}
    circles = []
    for start in graph:
        seen, frontier = set(), [(start, (start,))]
        while frontier:
            name, path = frontier.pop()
            for target in graph[name]:
                if target == start:
                    circles.append(" -> ".join((*path, start)))
                elif target not in seen and target > start:  # each circle once, from its least
                    seen.add(target)
                    frontier.append((target, (*path, target)))
    assert circles == []
