"""Attachments: size and type checked by content (magic bytes); private per property (R-DUTY-02 photos)."""

import struct
import zlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from core.attachments import attachment_add, attachment_void, attachments_for, sniff
from core.choices import HistoryAction
from core.errors import DomainError, NotAllowed
from core.models import Attachment, HistoryEntry


def tiny_png() -> bytes:
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_sniff_by_magic_bytes():
    assert sniff(tiny_png()[:16]) == "image/png"
    assert sniff(TINY_PDF[:16]) == "application/pdf"
    assert sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF") == "image/jpeg"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b"hello, I am text") is None
    assert sniff(b"<svg xmlns=") is None


def test_png_and_pdf_are_accepted(world):
    png = attachment_add(
        actor=world.frontdesk, target=world.u1, upload=SimpleUploadedFile("照片.png", tiny_png())
    )
    pdf = attachment_add(
        actor=world.frontdesk, target=world.u1, upload=SimpleUploadedFile("scan.pdf", TINY_PDF)
    )
    assert (png.mime, pdf.mime) == ("image/png", "application/pdf")
    assert png.size == len(tiny_png()) and png.property == world.p1 and png.uploaded_by == world.frontdesk
    assert png.file.read() == tiny_png()
    assert set(attachments_for(world.u1)) == {png, pdf}
    h = HistoryEntry.objects.get(content_type=ContentType.objects.get_for_model(Attachment), object_id=png.pk)
    assert h.action == HistoryAction.CREATE and h.actor == world.frontdesk


def test_a_text_file_named_jpg_is_refused(world):
    with pytest.raises(DomainError) as exc:
        attachment_add(
            actor=world.frontdesk,
            target=world.u1,
            upload=SimpleUploadedFile("photo.jpg", b"just some text, not a photo"),
        )
    assert exc.value.field == "file" and "JPG" in str(exc.value.message)
    assert not Attachment.objects.exists()


def test_empty_and_too_large_files_are_refused(world, settings):
    with pytest.raises(DomainError):
        attachment_add(actor=world.frontdesk, target=world.u1, upload=SimpleUploadedFile("e.png", b""))
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = tiny_png() + b"\x00" * (1024 * 1024)
    with pytest.raises(DomainError) as exc:
        attachment_add(actor=world.frontdesk, target=world.u1, upload=SimpleUploadedFile("big.png", big))
    assert "1 MB" in str(exc.value.message)
    assert not Attachment.objects.exists()


def test_staff_of_another_property_cannot_attach(world):
    with pytest.raises(NotAllowed):
        attachment_add(
            actor=world.frontdesk2, target=world.u1, upload=SimpleUploadedFile("a.png", tiny_png())
        )


def test_download_view_is_scoped_to_the_property(world, client, client_as):
    att = attachment_add(
        actor=world.frontdesk, target=world.u1, upload=SimpleUploadedFile("a.png", tiny_png())
    )
    url = f"/attachments/{att.pk}/"
    r = client.get(url)
    assert r.status_code == 302 and "/login/" in r["Location"]
    r = client_as(world.guard).get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert b"".join(r.streaming_content) == tiny_png()
    assert client_as(world.frontdesk2).get(url).status_code == 404


def test_voided_attachment_is_gone_but_recorded(world, client_as):
    att = attachment_add(actor=world.frontdesk, target=world.u1, upload=SimpleUploadedFile("a.pdf", TINY_PDF))
    with pytest.raises(NotAllowed):
        attachment_void(actor=world.frontdesk2, attachment=att)
    attachment_void(actor=world.supervisor, attachment=att, reason="传错了")
    assert list(attachments_for(world.u1)) == []
    assert client_as(world.frontdesk).get(f"/attachments/{att.pk}/").status_code == 404
    assert HistoryEntry.objects.filter(action=HistoryAction.VOID, object_id=att.pk, reason="传错了").exists()
