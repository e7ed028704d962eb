"""A workbook's archive is measured before openpyxl opens it: a genuine register passes, a
small file that would unpack to far more than any register (a zip bomb) is refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.imports_support import CHILD_HEADER, child_row, workbook
from workers.imports.sheets import (
    MAX_SHARED_STRINGS,
    MAX_UNPACKED,
    TooExpanded,
    check_archive,
    sheet_rows,
)

MB = 1024 * 1024


def bomb(path: Path, part: str, unpacked: int) -> Path:
    """A workbook's archive whose ``part`` unpacks to ``unpacked`` bytes of one repeated
    string: a few hundred kilobytes on disk."""
    repeated = b"<si><t>\xe7\x8e\x8b</t></si>" * (MB // 18)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        out.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with out.open(part, "w", force_zip64=True) as stream:
            written = 0
            while written < unpacked:
                chunk = repeated[:unpacked - written]
                stream.write(chunk)
                written += len(chunk)
    return path


def test_a_register_of_20000_children_passes(tmp_path: Path) -> None:
    register = workbook(tmp_path / "big.xlsx", CHILD_HEADER,
                        [child_row(n) for n in range(1, 20_001)])

    check_archive(register)

    with zipfile.ZipFile(register) as packed:  # what the bounds leave room for
        assert sum(part.file_size for part in packed.infolist()) < MAX_UNPACKED / 4


def test_shared_strings_past_their_bound_are_refused(tmp_path: Path) -> None:
    packed = bomb(tmp_path / "s.xlsx", "xl/sharedStrings.xml", MAX_SHARED_STRINGS + MB)

    assert packed.stat().st_size < MB
    with pytest.raises(TooExpanded, match="解压后过大"):
        check_archive(packed)


def test_parts_unpacking_past_the_bound_all_together_are_refused(tmp_path: Path) -> None:
    packed = bomb(tmp_path / "t.xlsx", "xl/worksheets/sheet1.xml", MAX_UNPACKED + MB)

    with pytest.raises(TooExpanded):
        check_archive(packed)


def test_a_small_part_packed_far_tighter_than_any_sheet_is_refused(tmp_path: Path) -> None:
    packed = bomb(tmp_path / "r.xlsx", "xl/sharedStrings.xml", 8 * MB)

    with pytest.raises(TooExpanded):
        check_archive(packed)


def test_the_reader_refuses_a_bomb_before_openpyxl_opens_it(tmp_path: Path) -> None:
    packed = bomb(tmp_path / "w.xlsx", "xl/sharedStrings.xml", MAX_SHARED_STRINGS + MB)

    with pytest.raises(TooExpanded), sheet_rows(packed):
        pass
