"""What the console's forms offer to choose from, each code with its Chinese words
(:mod:`domain.vocabulary`), in the order the programme's forms list them."""

from __future__ import annotations

from domain import vocabulary as v

#: (code, words) for each choice of the forms.
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "sex": tuple(v.SEX_TITLES.items()),
    "parent_status": tuple(v.PARENT_STATUS_TITLES.items()),
    "relation": tuple(v.GUARDIAN_RELATION_TITLES.items()),
    # both_parents_away (双亲外出) is read from the parents' statuses, never typed in.
    "category": tuple((code, words) for code, words in v.CATEGORY_TITLES.items()
                      if code != "both_parents_away"),
    "concern_kind": tuple(v.CONCERN_KIND_TITLES.items()),
    "principle": tuple(v.PRINCIPLE_TITLES.items()),
    "parent_role": tuple(v.PARENT_ROLE_TITLES.items()),
}
