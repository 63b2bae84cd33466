"""What a stored file is called when downloaded: its extension follows its detected type."""

import pytest

from tisc.services.files import served_name

PDF, DOCX = (
    "application/pdf",
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
)


@pytest.mark.parametrize(
    ("stored", "content_type", "served"),
    [
        ("x.html", PDF, "x.pdf"),
        ("report", PDF, "report.pdf"),
        ("Сызба №1.PDF", PDF, "Сызба №1.PDF"),
        ("photo.jpg", "image/jpeg", "photo.jpg"),
        ("photo.jpeg", "image/jpeg", "photo.jpeg"),
        ("photo.png", "image/jpeg", "photo.jpg"),
        ("letter.doc", DOCX, "letter.docx"),
        ("archive.tar.exe", "image/png", "archive.tar.png"),
        (".pdf", PDF, ".pdf"),
        ("", PDF, "file.pdf"),
    ],
)
def test_the_served_name_ends_in_the_detected_types_extension(stored, content_type, served):
    assert served_name(stored, content_type) == served
