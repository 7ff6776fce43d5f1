"""Attachments (photos, scans) with size and type checks — by content, not by file name."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .choices import HistoryAction
from .errors import DomainError
from .history import _property_id, record
from .models import Attachment
from .permissions import require

# Magic numbers of the types an office attaches: photos and scanned documents.
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
    b"%PDF-": "application/pdf",
}


def sniff(head: bytes) -> str | None:
    for sig, mime in SIGNATURES.items():
        if head.startswith(sig):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@transaction.atomic
def attachment_add(*, actor, target, upload) -> Attachment:
    prop_id = _property_id(target)
    if prop_id is None:
        raise DomainError("该记录不属于任何项目,不能添加附件。(This record belongs to no property.)")
    require(actor, "attachment.add", prop_id)
    size = upload.size or 0
    if size <= 0:
        raise DomainError("文件为空。(The file is empty.)", field="file")
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        raise DomainError(
            f"文件过大:最大 {limit // (1024 * 1024)} MB。(File too large: at most {limit // (1024 * 1024)} MB.)",
            field="file",
        )
    head = upload.read(16)
    upload.seek(0)
    mime = sniff(head)
    if not mime:
        raise DomainError(
            "只能上传 JPG/PNG/GIF/WEBP 图片或 PDF。(Only JPG/PNG/GIF/WEBP images or PDF.)", field="file"
        )
    att = Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(type(target)),
        object_id=target.pk,
        property_id=prop_id,
        file=upload,
        name=(upload.name or "file")[:200],
        size=size,
        mime=mime,
        uploaded_by=actor,
    )
    record(att, actor=actor, action=HistoryAction.CREATE)
    return att


@transaction.atomic
def attachment_void(*, actor, attachment: Attachment, reason: str = "") -> Attachment:
    """An attachment is never deleted: it is voided (hidden), with who/when/why in its history."""
    require(actor, "attachment.add", attachment.property_id)
    if attachment.voided_at:
        return attachment
    attachment.voided_at = timezone.now()
    attachment.save(update_fields=["voided_at"])
    record(
        attachment, actor=actor, action=HistoryAction.VOID, reason=reason, changes={"voided": [False, True]}
    )
    return attachment


def attachments_for(target):
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(type(target)),
        object_id=target.pk,
        voided_at__isnull=True,
    ).select_related("uploaded_by")
