"""Small counts hidden: a count from 1 to threshold-1 is shown as '< threshold'.

A group's total is shown in full, so when exactly one count of a group is hidden it could be
worked out as the total minus the rest; then the next smallest count is hidden too (secondary
suppression, as statistics offices do).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Count:
    """A number as the page shows it."""

    value: int
    masked: bool
    shown: str


def mask_group(values: dict[str, int], threshold: int) -> dict[str, Count]:
    """The counts of one group (e.g. per kind of one year), small ones hidden."""
    hidden = {k for k, v in values.items() if 0 < v < threshold}
    if len(hidden) == 1:
        rest = sorted((v, k) for k, v in values.items() if v > 0 and k not in hidden)
        if rest:
            hidden.add(rest[0][1])
    return {k: Count(v, k in hidden, f"< {threshold}" if k in hidden and v < threshold else
                     (f"≥ {threshold}" if k in hidden else str(v))) for k, v in values.items()}


def mask_total(total: int, threshold: int) -> Count:
    return Count(total, 0 < total < threshold, f"< {threshold}" if 0 < total < threshold else str(total))
