"""Evidence files: PDF, PNG or JPEG only, recognised by their content (not their name or the type the
browser claims), at most MAX_BYTES each and MAX_FILES per dispute. Pure, no Django.

    kind = sniffed(data)            # "application/pdf", "image/png", "image/jpeg" or None
    check_upload(name, data)        # raises InputError with the reason, in both languages
"""

from __future__ import annotations

import io

from arrears.errors import InputError

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 5
_EXTENSIONS = {"application/pdf": (".pdf",), "image/png": (".png",), "image/jpeg": (".jpg", ".jpeg")}


def sniffed(data: bytes) -> str | None:
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        try:
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                return {"PNG": "image/png", "JPEG": "image/jpeg"}.get(image.format)
        except Exception:  # noqa: BLE001 - any failure to decode means it is not the image it claims
            return None
    return None


def check_upload(name: str, data: bytes) -> str:
    """The content type of an acceptable file; raises InputError otherwise."""
    if len(data) > MAX_BYTES:
        raise InputError(f"文件 {name} 超过 {MAX_BYTES // (1024 * 1024)} MB", f"The file {name} is larger than {MAX_BYTES // (1024 * 1024)} MB")
    if not data:
        raise InputError(f"文件 {name} 是空的", f"The file {name} is empty")
    kind = sniffed(data)
    if kind is None:
        raise InputError(f"文件 {name} 不是 PDF 或图片（PNG、JPEG）", f"The file {name} is not a PDF or an image (PNG, JPEG)")
    if not name.lower().endswith(_EXTENSIONS[kind]):
        raise InputError(f"文件 {name} 的名称与内容不符", f"The file {name} is not what its name says")
    return kind
