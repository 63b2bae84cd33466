"""International Patent Classification symbols: parsing and validation.

Accepts subclass symbols (``A61K``) and group symbols (``A61K 31/00``,
``A61K31/00``, ``a61k 31/4164``), separated by commas, semicolons or new
lines, and gives them back in the WIPO form ``A61K 31/00``.
"""

import re

from tisc.domain.catalogue import N_, NP_
from tisc.domain.errors import Invalid

_SYMBOL = re.compile(r"^([A-H])(\d{2})([A-Z])(?:\s*(\d{1,4})\s*/\s*(\d{2,6}))?$", re.ASCII)
_SEPARATORS = re.compile(r"[,;\n]+")
MAX_SYMBOLS = 20


def normalise_symbol(text: str) -> str | None:
    """The symbol in WIPO form, or None when it is not a valid IPC symbol."""
    match = _SYMBOL.match(text.strip().upper())
    if not match:
        return None
    section, klass, subclass, group, subgroup = match.groups()
    symbol = f"{section}{klass}{subclass}"
    return f"{symbol} {int(group)}/{subgroup}" if group else symbol


def parse_ipc_list(text: str) -> list[str]:
    """All symbols of a list, normalised and without repeats.

    Raises :class:`Invalid` on the field ``ipc_classes`` naming the first bad symbol.
    """
    symbols: list[str] = []
    for part in _SEPARATORS.split(text or ""):
        if not part.strip():
            continue
        symbol = normalise_symbol(part)
        if symbol is None:
            raise Invalid(
                "ipc_classes",
                N_("“%(symbol)s” is not an IPC class; write it like A61K 31/00."),
                symbol=part.strip(),
            )
        if symbol not in symbols:
            symbols.append(symbol)
    if len(symbols) > MAX_SYMBOLS:
        raise Invalid(
            "ipc_classes",
            NP_("Give at most %(num)d IPC class.", "Give at most %(num)d IPC classes."),
            num=MAX_SYMBOLS,
        )
    return symbols
