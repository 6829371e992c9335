"""The command line's contract: exit 0 when all is well, 1 for problems in the
input, 2 for a usage error, in a fresh interpreter as users run it."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

RunGenerator = Callable[..., subprocess.CompletedProcess[str]]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["ingest"], id="ingest-without-a-path"),
        pytest.param([], id="no-command"),
        pytest.param(["ingest", "content/sources", "--no-such-option"], id="unknown-option"),
        pytest.param(["check", "extra-argument"], id="check-with-a-path"),
    ],
)
def test_usage_errors_exit_2_with_a_usage_line(
    run_generator: RunGenerator, args: list[str]
) -> None:
    result = run_generator(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr
    assert result.stdout == ""


def test_ingest_of_a_missing_path_exits_2_and_writes_nothing(
    tmp_path: Path, run_generator: RunGenerator
) -> None:
    result = run_generator("ingest", tmp_path / "missing", "--content", tmp_path / "content")
    assert result.returncode == 2
    assert "missing: no such file or folder" in result.stderr
    assert not (tmp_path / "content").exists()


def test_ingest_of_the_seeds_exits_0_and_reports(
    tmp_path: Path, seed_dir: Path, run_generator: RunGenerator
) -> None:
    report = tmp_path / "report.json"
    result = run_generator(
        "ingest", seed_dir, "--content", tmp_path / "content", "--report", report
    )
    assert result.returncode == 0, result.stderr
    assert "6 written" in result.stderr
    assert len(json.loads(report.read_text("utf-8"))["articles"]) == 6
    assert len(list((tmp_path / "content" / "articles").glob("*.md"))) == 6


def test_ingest_with_a_rejected_file_exits_1(
    tmp_path: Path, seed_dir: Path, run_generator: RunGenerator
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run_generator("ingest", seed_dir, empty, "--content", tmp_path / "content", "--quiet")
    assert result.returncode == 1
    assert "rejected empty.txt: the file is empty" in result.stderr
    assert len(list((tmp_path / "content" / "articles").glob("*.md"))) == 6


def test_quiet_ingest_prints_nothing_when_all_is_well(
    tmp_path: Path, seed_dir: Path, run_generator: RunGenerator
) -> None:
    result = run_generator("ingest", seed_dir, "--content", tmp_path / "content", "--quiet")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
