"""Which files a visit may carry: a signed repayment agreement as a PDF, or a photo of it.

The type is read from the file's first bytes, not trusted from its name or the browser; the
name's extension must agree with it. Limits are counted in bytes.

    kind_of("agreement.pdf", 120_000, b"%PDF-1.7 ...")   # → AttachmentType.PDF
"""

from __future__ import annotations

from enum import StrEnum

from arrears.errors import InputError

MAX_BYTES = 10 * 1024 * 1024
HEAD_BYTES = 16


class AttachmentType(StrEnum):
    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"


_SIGNATURES = (
    (b"%PDF-", AttachmentType.PDF),
    (b"\xff\xd8\xff", AttachmentType.JPEG),
    (b"\x89PNG\r\n\x1a\n", AttachmentType.PNG),
)
EXTENSIONS = {
    AttachmentType.PDF: (".pdf",),
    AttachmentType.JPEG: (".jpg", ".jpeg"),
    AttachmentType.PNG: (".png",),
}


def kind_of(name: str, size: int, head: bytes) -> AttachmentType:
    """The file's type, or InputError (zh, en) saying why it is refused."""
    if size <= 0:
        raise InputError("文件为空", "The file is empty")
    if size > MAX_BYTES:
        raise InputError(
            f"文件过大：{size:,} 字节，上限 {MAX_BYTES // (1024 * 1024)} MB",
            f"The file is too large: {size:,} bytes, the limit is {MAX_BYTES // (1024 * 1024)} MB",
        )
    found = next((kind for signature, kind in _SIGNATURES if head.startswith(signature)), None)
    if found is None:
        raise InputError("只接受 PDF、JPEG 或 PNG 文件", "Only PDF, JPEG or PNG files are accepted")
    if not (name or "").lower().endswith(EXTENSIONS[found]):
        expected = " / ".join(EXTENSIONS[found])
        raise InputError(
            f"文件内容是 {found.name}，文件名后缀应为 {expected}",
            f"The file's content is {found.name}; its name should end in {expected}",
        )
    return found
