"""A demo child's family (家庭): the parents and where they work, and the entrusted guardian
(受委托监护人), most often a grandparent."""

from __future__ import annotations

import random

from aixin.demo import names
from aixin.demo.county import work_place
from domain.children import Guardian, Parent, ParentRole, ParentStatus

_GUARDIANS = (  # relation, weight, whose surname, generation
    ("祖母", 34, None, "old_woman"), ("祖父", 18, "father", "old_man"),
    ("外祖母", 14, None, "old_woman"), ("外祖父", 7, "mother", "old_man"),
    ("伯父", 3, "father", "man"), ("叔叔", 3, "father", "man"), ("婶婶", 3, None, "woman"),
    ("姑姑", 4, "father", "woman"), ("舅舅", 3, "mother", "man"), ("姨妈", 3, "mother", "woman"),
    ("哥哥", 1, "child", "man"), ("姐姐", 1, "child", "woman"),
)


def parents_for(rng: random.Random, family: str) -> tuple[tuple[Parent, ...], list[str]]:
    """The parents as registered and the categories they imply."""
    father = names.full_name(rng, "man", family)
    mother = names.full_name(rng, "woman")
    away = work_place(rng)

    def p(role: str, status: str, name: str, place: str = "") -> Parent:
        return Parent(role=ParentRole(role), status=ParentStatus(status), name=name,
                      phone=names.mobile(rng), work_location=place if status == "away" else "")

    draw = rng.random()
    together = away if rng.random() < 0.7 else work_place(rng)
    if draw < 0.64:
        return (p("father", "away", father, away), p("mother", "away", mother, together)), \
            ["both_parents_away"]
    if draw < 0.72:
        return (p("father", "away", father, away), p("mother", "incapable", mother)), []
    if draw < 0.75:
        return (p("mother", "away", mother, away), p("father", "incapable", father)), []
    if draw < 0.79:
        return (p("father", "away", father, away), p("mother", "deceased", mother)), \
            ["single_parent"]
    if draw < 0.81:
        return (p("mother", "away", mother, away), p("father", "deceased", father)), \
            ["single_parent"]
    if draw < 0.94:
        return (p("father", "away", father, away),), ["single_parent"]
    return (p("mother", "away", mother, away),), ["single_parent"]


def guardian_for(rng: random.Random, parents: tuple[Parent, ...], family: str) -> Guardian:
    relations, weights = zip(*((g[0], g[1]) for g in _GUARDIANS), strict=True)
    relation = rng.choices(relations, weights)[0]
    _, _, whose, generation = next(g for g in _GUARDIANS if g[0] == relation)
    by_role = {parent.role.value: parent.name[0] for parent in parents}
    surname = {"father": by_role.get("father", family), "mother": by_role.get("mother"),
               "child": family}.get(whose or "") if whose else None
    old = generation.startswith("old")
    age = rng.randint(56, 82) if old else rng.randint(18, 25) if relation in ("哥哥", "姐姐") \
        else rng.randint(32, 55)
    health = rng.choices(("良好", "一般", "较差（高血压）", "较差（腿脚不便）"),
                         (45, 35, 12, 8) if old else (80, 18, 1, 1))[0]
    education = rng.choices(("文盲", "小学", "初中", "高中"),
                            (20, 50, 25, 5) if old else (2, 20, 55, 23))[0]
    return Guardian(name=names.full_name(rng, generation, surname), relation=relation, age=age,
                    health=health, education=education, phone=names.mobile(rng))


