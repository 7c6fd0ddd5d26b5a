"""Evidence files are judged by their content (no database)."""

import io
import zipfile

import pytest

from beibei_dashboard.evidence import MAX_BYTES, check_upload, content_type_for, sniff


def ooxml(extra="word/document.xml"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(extra, "<x/>")
    return buf.getvalue()


def plain_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0....", "jpeg"),
        (b"GIF89a....", "gif"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "ole"),
        (ooxml(), "ooxml"),
        (plain_zip(), None),
        (b"just some text pretending to be a PDF", None),
        (b"<html><script>alert(1)</script>", None),
    ],
)
def test_sniff(content, kind):
    assert sniff(io.BytesIO(content)) == kind


def test_check_upload_accepts_matching_extension():
    assert check_upload("进展.docx", 100, io.BytesIO(ooxml())) == ("ooxml", None)
    assert check_upload("照片.JPG", 100, io.BytesIO(b"\xff\xd8\xff\xe0")) == ("jpeg", None)


def test_check_upload_refuses_text_named_pdf():
    kind, error = check_upload("报告.pdf", 30, io.BytesIO(b"this is text, not a PDF at all"))
    assert kind is None and "内容不是允许的类型" in error and "报告.pdf" in error


def test_check_upload_refuses_mismatched_extension():
    kind, error = check_upload("报告.pdf", 30, io.BytesIO(b"\x89PNG\r\n\x1a\n"))
    assert kind is None and "扩展名与其内容" in error


def test_check_upload_refuses_too_big_before_reading():
    kind, error = check_upload("大文件.pdf", MAX_BYTES + 1, io.BytesIO(b"%PDF-"))
    assert kind is None and "超过 10 MB" in error
    assert check_upload("刚好.pdf", MAX_BYTES, io.BytesIO(b"%PDF-1.4"))[0] == "pdf"


def test_content_types():
    assert content_type_for("pdf", "a.pdf") == "application/pdf"
    assert content_type_for("ooxml", "a.xlsx").endswith("spreadsheetml.sheet")
    assert content_type_for("ole", "a.doc") == "application/msword"
