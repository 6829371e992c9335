"""The editors' documentation says what the code does."""

from __future__ import annotations

from pathlib import Path

from generator.content.schema import FIELD_NAMES, markdown_table

ROOT = Path(__file__).resolve().parent.parent


def test_front_matter_doc_holds_the_schema_table_the_code_defines() -> None:
    doc = (ROOT / "docs" / "front-matter.md").read_text("utf-8")
    assert markdown_table() in doc, (
        "regenerate the table: generator.content.schema.markdown_table()"
    )
    for name in FIELD_NAMES:
        assert f"`{name}`" in doc


def test_readme_quick_start_is_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in block.strip().splitlines() if line and not line.startswith("#")]
    assert commands == ["make site", "make test"]
