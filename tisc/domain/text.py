"""What a single-line text may hold, for the pages' forms and the API alike."""

import re

from tisc.domain.catalogue import N_

ONE_LINE = N_("Keep this to one line: line breaks and other control characters cannot be used.")

# C0 and C1 controls (tab and line breaks among them) and Unicode's line and paragraph
# separators. A browser's one-line field sends none; a crafted post or an API client may.
_NOT_ON_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def is_one_line(text: str) -> bool:
    """Whether ``text`` fits a one-line field: a name or a title with a line break in it
    would break the e-mail subjects and CSV rows it is written into."""
    return not _NOT_ON_ONE_LINE.search(text)
