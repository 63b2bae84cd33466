"""International Patent Classification symbols: parsing and validation.

Accepts subclass symbols (``A61K``) and group symbols (``A61K 31/00``,
``A61K31/00``, ``a61k 31/4164``), separated by commas, semicolons or new
lines, and gives them back in the WIPO form ``A61K 31/00``. Letters typed on a
Cyrillic keyboard that look like Latin ones (``А61К`` with Cyrillic А and К) are
read as the Latin letters they look like: on screen the two cannot be told apart.
"""

import re

from tisc.domain.catalogue import N_, NP_
from tisc.domain.errors import Invalid

_SYMBOL = re.compile(r"^([A-H])(\d{2})([A-Z])(?:\s*(\d{1,4})\s*/\s*(\d{2,6}))?$", re.ASCII)
_SEPARATORS = re.compile(r"[,;\n]+")
MAX_SYMBOLS = 20
# Cyrillic capitals drawn like Latin ones (Kazakh and Russian keyboards), with their
# small letters: a symbol is upper-cased before it is matched.
_LOOK_ALIKES = str.maketrans("АВСЕНКМОРТХУавсенкмортху", "ABCEHKMOPTXYABCEHKMOPTXY")
# One bad symbol, or several: chosen by their number in code, not by plural forms, which
# say 21 classes in the singular in Russian.
NOT_IPC = N_("“%(symbols)s” is not an IPC class; write it like A61K 31/00, in Latin letters.")
NOT_IPC_SEVERAL = N_(
    "These are not IPC classes: %(symbols)s. Write each like A61K 31/00, in Latin letters."
)


def normalise_symbol(text: str) -> str | None:
    """The symbol in WIPO form, or None when it is not a valid IPC symbol."""
    match = _SYMBOL.match(text.strip().translate(_LOOK_ALIKES).upper())
    if not match:
        return None
    section, klass, subclass, group, subgroup = match.groups()
    symbol = f"{section}{klass}{subclass}"
    return f"{symbol} {int(group)}/{subgroup}" if group else symbol


def parse_ipc_list(text: str) -> list[str]:
    """All symbols of a list, normalised and without repeats.

    Raises :class:`Invalid` on the field ``ipc_classes`` naming every bad symbol at once,
    so that one round of corrections is enough.
    """
    symbols: list[str] = []
    bad: list[str] = []
    for part in _SEPARATORS.split(text or ""):
        if not part.strip():
            continue
        symbol = normalise_symbol(part)
        if symbol is None:
            if part.strip() not in bad:
                bad.append(part.strip())
        elif symbol not in symbols:
            symbols.append(symbol)
    if bad:
        message = NOT_IPC if len(bad) == 1 else NOT_IPC_SEVERAL
        raise Invalid("ipc_classes", message, symbols=", ".join(bad))
    if len(symbols) > MAX_SYMBOLS:
        raise Invalid(
            "ipc_classes",
            NP_("Give at most %(num)d IPC class.", "Give at most %(num)d IPC classes."),
            num=MAX_SYMBOLS,
        )
    return symbols
