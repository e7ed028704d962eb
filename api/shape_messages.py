"""A request's shape faults in Chinese (请求格式错误): what the framework found wrong with a
field, said in the words people read, the framework's own words kept after them.

Each fault keeps its ``loc`` (which field) and ``type`` (which check); its ``msg`` becomes
"<Chinese>（<the framework's words>）". A check of the service's own (its ``type`` not below),
or a message already in Chinese (a validator's own words), is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_CHINESE = re.compile(r"[\u4e00-\u9fff]")

#: The framework's checks, by ``type``, in Chinese; ``{name}`` is filled from the fault's
#: ``ctx`` where it has one.
MESSAGES: Mapping[str, str] = {
    "missing": "必填",
    "extra_forbidden": "不接受此字段",
    "string_type": "须为文本",
    "string_too_short": "至少 {min_length} 个字",
    "string_too_long": "至多 {max_length} 个字",
    "string_pattern_mismatch": "格式不符",
    "too_short": "至少 {min_length} 项",
    "too_long": "至多 {max_length} 项",
    "list_type": "须为列表",
    "tuple_type": "须为列表",
    "set_type": "须为列表",
    "dict_type": "须为对象",
    "model_type": "须为对象",
    "model_attributes_type": "须为对象",
    "literal_error": "须为以下之一：{expected}",
    "enum": "须为以下之一：{expected}",
    "int_type": "须为整数",
    "int_parsing": "须为整数",
    "int_from_float": "须为整数",
    "float_type": "须为数字",
    "float_parsing": "须为数字",
    "decimal_type": "须为数字",
    "decimal_parsing": "须为数字",
    "decimal_max_places": "至多 {decimal_places} 位小数",
    "decimal_max_digits": "至多 {max_digits} 位数字",
    "multiple_of": "须为 {multiple_of} 的整数倍",
    "greater_than": "须大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "须小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "finite_number": "须为有限的数",
    "bool_type": "须为 true 或 false",
    "bool_parsing": "须为 true 或 false",
    "date_type": "须为日期（YYYY-MM-DD）",
    "date_parsing": "须为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "须为日期（YYYY-MM-DD），不带时刻",
    "datetime_type": "须为带时区的时刻（ISO 8601）",
    "datetime_parsing": "须为带时区的时刻（ISO 8601）",
    "datetime_from_date_parsing": "须为带时区的时刻（ISO 8601）",
    "timezone_aware": "须写明时区（与 UTC 的时差）",
    "uuid_type": "须为 UUID",
    "uuid_parsing": "须为 UUID",
    "json_invalid": "请求体不是合法的 JSON",
    "json_type": "须为 JSON",
    "url_parsing": "须为网址",
    "value_error": "取值不符",
    "assertion_error": "取值不符",
}


def in_chinese(fault: Mapping[str, Any]) -> dict[str, Any]:
    """The fault with its ``msg`` in Chinese first, where its check is one of the framework's."""
    template = MESSAGES.get(str(fault.get("type", "")))
    if template is None or _CHINESE.search(str(fault.get("msg", ""))):
        return dict(fault)
    context = fault.get("ctx") or {}
    try:
        words = template.format(**context)
    except (KeyError, IndexError, ValueError):
        words = template.split("{", 1)[0].rstrip("：: ") or template
    return {**fault, "msg": f"{words}（{fault.get('msg', '')}）"}
