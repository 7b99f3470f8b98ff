"""Figures: one JSON line each as they are measured, and a table at the end.

A machine-dependent figure is only meaningful beside a baseline measured in the same run, so a
figure may carry its baseline and the ratio target it is judged by."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    bench: str
    name: str
    value: float
    unit: str
    baseline: float | None = None  # the same work done the simplest way, in this run
    target: str = ""  # e.g. "ratio <= 1.5" or "<= 200"
    ok: bool | None = None  # whether the target was met; None when there is no target

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.baseline:
            return None
        return self.value / self.baseline


def emit(figure: Figure) -> Figure:
    """Prints the figure as one JSON line at once, so a long run shows progress."""
    record = asdict(figure) | {"ratio": _round(figure.ratio)}
    print(json.dumps(record, ensure_ascii=False), flush=True)
    return figure


def table(figures: list[Figure]) -> str:
    header = ("bench", "figure", "value", "unit", "baseline", "ratio", "target", "ok")
    rows = [
        (
            f.bench,
            f.name,
            _show(f.value),
            f.unit,
            _show(f.baseline),
            _show(f.ratio),
            f.target,
            "" if f.ok is None else ("yes" if f.ok else "NO"),
        )
        for f in figures
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    rule = "  ".join("-" * w for w in widths)
    head = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    return "\n".join([head, rule, *lines])


def print_table(figures: list[Figure]) -> None:
    print("\n" + table(figures), file=sys.stdout, flush=True)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _show(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.0f}" if abs(value) >= 1000 else f"{value:.3g}"
