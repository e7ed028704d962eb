"""The entrusted guardian's relation (监护人与儿童关系) is one of the programme's relations;
Chinese words are read as their relation, and older records' own words load as ``other``."""

from __future__ import annotations

import pytest

from domain.children import Guardian
from domain.errors import InvalidRecord
from domain.transcodings import AixinTranscoder


@pytest.mark.parametrize(("words", "relation"), [
    ("爷爷", "grandfather"), ("祖父", "grandfather"), ("奶奶", "grandmother"),
    ("祖母", "grandmother"), ("外公", "maternal_grandfather"), ("姥爷", "maternal_grandfather"),
    ("外祖父", "maternal_grandfather"), ("外婆", "maternal_grandmother"),
    ("姥姥", "maternal_grandmother"), ("外祖母", "maternal_grandmother"), ("叔叔", "uncle"),
    ("伯伯", "uncle"), ("舅舅", "uncle"), ("姑姑", "aunt"), ("姨妈", "aunt"), ("阿姨", "aunt"),
    ("舅妈", "aunt"), ("婶婶", "aunt"), ("哥哥", "sibling"), ("姐姐", "sibling"),
    ("邻居", "neighbour"), ("老师", "teacher"), ("grandmother", "grandmother"),
    ("other", "other"),
])
def test_a_guardians_relation_written_in_chinese_is_read_as_its_relation(
        words: str, relation: str) -> None:
    assert Guardian(name="张桂兰", relation=words).relation == relation


def test_a_relation_that_is_none_of_the_programmes_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidRecord) as refused:
        Guardian(name="张桂兰", relation="干妈的朋友")
    assert refused.value.field == "guardian.relation"


def test_a_grandparent_of_either_side_is_a_guardian_of_another_generation() -> None:
    assert Guardian(name="张桂兰", relation="外婆").is_grandparent
    assert Guardian(name="张桂兰", relation="奶奶").is_grandparent
    assert not Guardian(name="王秀梅", relation="姑姑").is_grandparent


def test_an_older_records_relation_in_its_own_words_loads_as_other_keeping_its_words() -> None:
    transcoder = AixinTranscoder()
    stored = transcoder.encode(Guardian(name="张桂兰", relation="祖母"))
    old = stored.replace(b"grandmother", "干妈".encode())
    loaded = transcoder.decode(old)
    assert (loaded.relation, loaded.relation_words) == ("other", "干妈")


def test_an_older_records_relation_in_known_words_loads_as_its_relation() -> None:
    transcoder = AixinTranscoder()
    stored = transcoder.encode(Guardian(name="张桂兰", relation="祖母"))
    loaded = transcoder.decode(stored.replace(b'"grandmother"', '"奶奶"'.encode()))
    assert (loaded.relation, loaded.relation_words) == ("grandmother", "")
