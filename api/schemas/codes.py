"""Division codes (行政区划代码) as a request writes them, stated in the OpenAPI document: a
record's place is the code of a county, a township or a village (6, 9 or 12 digits); a scope's
or a report's region is a prefix of one (2 to 12 digits). The domain checks them
(``domain.common.division_code``, the users' scopes), with its own messages."""

from __future__ import annotations

DIVISION_CODE = r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$"
REGION_PREFIX = r"^[0-9]{2,12}$"
