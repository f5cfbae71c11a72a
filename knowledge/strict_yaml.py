"""A YAML loader that refuses what PyYAML lets slip through silently.

- A key written twice in one mapping: PyYAML keeps the last value, so a duplicated `verdict:`
  line turns a red rule green without any warning. Here it is an error at the second key's line.
- `.inf`, `-.inf` and `.nan`: no amount or limit in an integrity rule is infinite or not a
  number, and every comparison with NaN is false. Here they are an error at their line.

Both raise yaml.constructor.ConstructorError with a mark, so the loader reports file and line.
"""

from __future__ import annotations

import math
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parses; the checks are Python
_MERGE = "tag:yaml.org,2002:merge"


class StrictLoader(_Base):  # type: ignore[misc]
    """SafeLoader semantics, with duplicate keys and non-finite numbers refused."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: SafeConstructor reports it below
                continue
            line = key_node.start_mark.line + 1
            if first is not None:
                raise ConstructorError(
                    None, None,
                    f"duplicate key '{key}' (also on line {first}): the second value would silently "
                    "replace the first; keep one", key_node.start_mark)
            seen[key] = line
        return SafeConstructor.construct_mapping(self, node, deep=deep)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        value = SafeConstructor.construct_yaml_float(self, node)
        if not math.isfinite(value):
            raise ConstructorError(None, None, f"'{node.value}' is not a finite number: write an amount",
                                   node.start_mark)
        return value


StrictLoader.add_constructor("tag:yaml.org,2002:float", StrictLoader.construct_yaml_float)


def strict_load(text: str) -> Any:
    """Parse YAML text; ConstructorError (with the line) for duplicate keys and non-finite numbers."""
    return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
