"""The layers hold: import-linter's contracts in pyproject.toml pass on the tree and break on
an import planted in a copy of it (of the demo, up a layer, of Django into the engine), and
docs/architecture.md draws the same layers in the same order."""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ciodispatch"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# Modules of the project itself, not in a layer: nothing imports them but Django and Python.
ENTRY_POINTS = {"settings", "env", "urls", "wsgi", "manage"}


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _layers() -> list[str]:
    return _contracts()["layers"]["layers"]


def _names(layer: str) -> list[str]:
    return re.split(r"\s*[|:]\s*", layer)


def _children() -> set[str]:
    """The packages and modules directly under ciodispatch."""
    names = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    names |= {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    return names


def _lint(root: Path) -> subprocess.CompletedProcess:
    if not LINT_IMPORTS.exists():
        pytest.skip(
            f"lint-imports is not installed beside {sys.executable}: "
            "it comes with the dev extra (make install)"
        )
    # lint-imports puts its working directory first on the path, so `ciodispatch` there is
    # the one analysed (never the installed project, which is found after it).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_contracts_hold_on_the_tree():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_every_package_sits_in_a_layer_and_only_the_demo_may_import_the_demo():
    in_layers = [name for layer in _layers() for name in _names(layer)]
    assert len(in_layers) == len(set(in_layers))
    assert set(in_layers) == _children() - ENTRY_POINTS
    assert _layers()[0] == "demo"
    sources = {
        m.removeprefix("ciodispatch.")
        for m in _contracts()["nothing-imports-the-demo"]["source_modules"]
    }
    assert sources == _children() - {"demo"}


@pytest.fixture
def tree(tmp_path):
    """A copy of the package (Python files only) and of pyproject.toml, to plant imports in."""
    shutil.copytree(
        PACKAGE,
        tmp_path / "ciodispatch",
        ignore=shutil.ignore_patterns("__pycache__", "templates", "static", "locale", "*.csv"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _plant(tree: Path, module: str, statement: str) -> None:
    # Inside a function, as the imports that dodge a cycle are: they count all the same.
    path = tree / "ciodispatch" / module
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\n\ndef _planted():\n    {statement}\n")


@pytest.mark.parametrize(
    "module, statement, broken, reported",
    [
        (
            "requests/models.py",
            "from ciodispatch.demo import clock",
            ["Layers point down", "No app imports the demo"],
            "ciodispatch.requests.models -> ciodispatch.demo.clock",
        ),
        (
            "urls.py",
            "from ciodispatch.demo import services",
            ["No app imports the demo"],
            "ciodispatch.urls -> ciodispatch.demo.services",
        ),
        (
            "core/dates.py",
            "from ciodispatch.dispatches.models import Dispatch",
            ["Layers point down"],
            "ciodispatch.core is not allowed to import ciodispatch.dispatches",
        ),
        (
            "progress/queries.py",
            "from ciodispatch.incentives import calculation",
            ["Layers point down"],
            "ciodispatch.progress is not allowed to import ciodispatch.incentives",
        ),
        (
            "matching/checks.py",
            "import django",
            ["The matching engine imports no Django"],
            "ciodispatch.matching.checks -> django",
        ),
    ],
)
def test_a_planted_import_breaks_its_contract(tree, module, statement, broken, reported):
    assert _lint(tree).returncode == 0  # the copy holds before the plant
    _plant(tree, module, statement)
    result = _lint(tree)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert sorted(re.findall(r"^(.+?) BROKEN\b", output, re.M)) == sorted(broken), output
    assert reported in output


def _doc_section() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    return text.split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]


def test_the_diagram_in_the_docs_is_the_contract():
    [diagram] = re.findall(r"^```\n(.*?)^```$", _doc_section(), re.M | re.S)
    drawn = [" ".join(line.split()) for line in diagram.splitlines()]
    drawn = [line for line in drawn if line and line != "▼"]
    assert drawn == _layers()
    # One sentence per layer under the diagram, in the same order.
    described = re.findall(r"^- `([^`]+)`:", _doc_section(), re.M)
    assert described == _layers()
