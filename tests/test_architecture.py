"""The package's plan holds: no module reaches into another's private names, and
the project installs and runs from a wheel, not only from a checkout."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("generator", "devtools")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def private_imports() -> list[str]:
    """``path:line: name`` for every import of another module's ``_private`` name
    (``from m import _x``, or ``import m`` then ``m._x``)."""
    found: list[str] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text("utf-8"), str(path))
            here = _module_name(path)
            modules: dict[str, str] = {}  # local name -> a module of ours
            for node in ast.walk(tree):
                where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    if node.module.split(".")[0] not in PACKAGES or node.module == here:
                        continue
                    for alias in node.names:
                        if alias.name.startswith("_") and not alias.name.startswith("__"):
                            found.append(f"{where}: {node.module}.{alias.name}")
                        modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.name.split(".")[0] in PACKAGES:
                            modules[alias.asname or alias.name] = alias.name
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in modules
                    and node.attr.startswith("_")
                    and not node.attr.startswith("__")
                    and modules[node.value.id] != here
                ):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.append(f"{where}: {modules[node.value.id]}.{node.attr}")
    return found


def test_no_module_imports_a_private_name_of_another() -> None:
    assert private_imports() == []


def test_the_private_import_check_finds_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The check itself can fail: a module that reaches into another is reported.
    root = tmp_path / "repo"
    (root / "generator").mkdir(parents=True)
    (root / "devtools").mkdir()
    (root / "generator" / "a.py").write_text("def _hidden() -> None: ...\n", "utf-8")
    (root / "devtools" / "b.py").write_text(
        "from generator.a import _hidden\nimport generator.a as a\na._hidden()\n", "utf-8"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", root)
    assert private_imports() == [
        "devtools/b.py:1: generator.a._hidden",
        "devtools/b.py:3: generator.a._hidden",
    ]


def _run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=300, **kwargs
    )  # type: ignore[call-overload]


def test_a_non_editable_install_runs_the_cli_and_a_quality_gate(
    tmp_path: Path, seed_site: Path
) -> None:
    """The wheel carries every subpackage (generator/*, devtools/*): installed into
    a fresh venv, it runs from outside the checkout. The dependencies are this
    venv's (a .pth file adds its site-packages), so nothing is downloaded."""
    wheels = tmp_path / "wheels"
    built = _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        wheels,
        ROOT,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("*.whl")
    env_dir = tmp_path / "venv"
    made = _run(sys.executable, "-m", "venv", "--without-pip", env_dir)
    assert made.returncode == 0, made.stderr
    python = env_dir / "bin" / "python"
    (site_packages,) = (env_dir / "lib").glob("python3*/site-packages")
    # Only the dependencies' folder: a path listed in a .pth file is searched, but
    # the .pth files inside it (this checkout's editable install) are not run.
    deps = sorted({p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()})
    (site_packages / "dependencies.pth").write_text("\n".join(deps) + "\n", "utf-8")
    installed = _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
        "-q",
        wheel,
    )
    assert installed.returncode == 0, installed.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = _run(
        python,
        "-c",
        "import generator.cli, devtools.quality.links as m; "
        "print(generator.cli.__file__); print(m.__file__)",
        cwd=outside,
        env=env,
    )
    assert where.returncode == 0, where.stderr
    for line in where.stdout.splitlines():
        assert Path(line).is_relative_to(site_packages), where.stdout
    helped = _run(python, "-m", "generator", "--help", cwd=outside, env=env)
    assert helped.returncode == 0, helped.stderr
    assert "quality" in helped.stdout
    gate = _run(
        python,
        "-m",
        "generator",
        "quality",
        "--gate",
        "links",
        "--root",
        ROOT,
        "--site",
        seed_site,
        cwd=outside,
        env=env,
    )
    assert gate.returncode == 0, gate.stdout + gate.stderr
    assert "== links: ok" in gate.stdout


@pytest.mark.parametrize(
    "command",
    [["check"], ["format", "--check"]],
    ids=["ruff-check", "ruff-format"],
)
def test_the_code_is_ruff_clean(command: list[str]) -> None:
    """The style guide's "ruff clean" as a test, so `make test` keeps it: both
    the linter and the formatter, over everything `make lint` covers."""
    ruff = Path(sys.executable).with_name("ruff")
    run = subprocess.run(
        [str(ruff), *command, "generator", "devtools", "tests", "tools"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
