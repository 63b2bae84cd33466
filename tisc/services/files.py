"""Files attached to requests: checked by their content, capped in size, kept in the database."""

import hashlib
import unicodedata
from dataclasses import dataclass

from tisc.domain.catalogue import N_, NP_
from tisc.domain.errors import Invalid
from tisc.domain.policy import MAX_FILES
from tisc.models import RequestFile, ServiceRequest, User

ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
}
# The extensions each type is known by; a served name ends in one of them (the first by default).
EXTENSIONS = {
    "application/pdf": ("pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
}
MAX_NAME = 200


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def digest(upload: Upload) -> str:
    """The SHA-256 a file is kept with (and a resent submission's files compared by)."""
    return hashlib.sha256(upload.content).hexdigest()


def checked_uploads(uploads: list[Upload], max_bytes: int, field: str = "files") -> list[Upload]:
    """The non-empty uploads, each of an allowed type by content and within the cap.

    Raises :class:`Invalid` on ``field`` naming every file refused, together.
    """
    problems = upload_problems(uploads, max_bytes, field)
    if problems:
        raise Invalid.together(problems)
    return sent(uploads)


def sent(uploads: list[Upload]) -> list[Upload]:
    """The uploads that hold a file: a form's file part left empty holds none."""
    return [u for u in uploads if u.filename or u.content]


def upload_problems(uploads: list[Upload], max_bytes: int, field: str = "files") -> list[Invalid]:
    """What is wrong with the uploads: too many of them, or each file refused (empty, too
    large, not of an allowed type by content), every one named."""
    uploads = sent(uploads)
    if len(uploads) > MAX_FILES:
        return [
            Invalid(
                field,
                NP_("Attach at most %(num)d file.", "Attach at most %(num)d files."),
                num=MAX_FILES,
            )
        ]
    problems = []
    for upload in uploads:
        name = display_name(upload.filename)
        if len(upload.content) == 0:
            problems.append(Invalid(field, N_("“%(name)s” is empty."), name=name))
        elif len(upload.content) > max_bytes:
            problems.append(
                Invalid(
                    field,
                    N_("“%(name)s” is larger than %(mb)s MB."),
                    name=name,
                    mb=max_bytes // (1024 * 1024),
                )
            )
        elif detected_type(upload.content) not in ALLOWED_TYPES:
            problems.append(
                Invalid(field, N_("“%(name)s” is not a PDF, DOCX, PNG or JPEG file."), name=name)
            )
    return problems


def display_name(filename: str) -> str:
    """The file's own name without folders or control characters, in NFC."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = unicodedata.normalize("NFC", name).strip()
    return name[-MAX_NAME:] or "file"


def served_name(filename: str, content_type: str) -> str:
    """The name a file is stored and downloaded under: its own, with the extension of the
    type its content was detected as (a PDF called ``x.html`` is ``x.pdf``)."""
    name = display_name(filename)
    known = EXTENSIONS.get(content_type)
    if not known:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() in known:
        return name
    return f"{stem if dot else name}.{known[0]}"


def detected_type(content: bytes) -> str | None:
    """The media type ``content`` is by its first bytes, whatever its name says."""
    import filetype  # its matchers: only for a process that takes files, not every worker

    return filetype.guess_mime(content)


def file_row(
    service_request: ServiceRequest, event_id: int, uploader: User, upload: Upload
) -> RequestFile:
    content_type = detected_type(upload.content)
    return RequestFile(
        request_id=service_request.id,
        event_id=event_id,
        uploaded_by_id=uploader.id,
        filename=served_name(upload.filename, content_type),
        content_type=content_type,
        size=len(upload.content),
        sha256=digest(upload),
        content=upload.content,
    )
