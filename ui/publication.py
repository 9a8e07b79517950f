"""Texts that say whether a page shows published or provisional figures."""

from __future__ import annotations

from metrics.publication import PublishedBeside
from ui.text import day, num, t


def composite_note(beside: PublishedBeside | None, code: str) -> str:
    """Under the dossier's composite: "công bố 71,2 · theo số liệu mới 73,0" when newer data
    moved the published figure, else that it is published (unchanged) or only provisional."""
    row = beside.unit(code) if beside is not None else None
    if beside is None or row is None:
        return t("dossier.provisional")
    if bool(row["changed"]):
        return t(
            "dossier.published_beside",
            published=num(row["composite_published"], 1),
            current=num(row["composite_current"], 1),
        )
    return t("dossier.published_same", date=day(beside.published_at))


def figures_note(beside: PublishedBeside | None) -> str:
    """For the heat map's caption: published figures, or provisional ones (and how many units
    the newer data moved away from the published result)."""
    if beside is None:
        return t("home.figures_provisional")
    if beside.changed_units:
        return t(
            "home.figures_provisional_changed",
            date=day(beside.published_at),
            n=num(beside.changed_units),
        )
    return t("home.figures_published", date=day(beside.published_at))
