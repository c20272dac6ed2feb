"""Recognising an uploaded logo by its content (never by its name or declared type)."""

from __future__ import annotations

import struct

# What an image's first bytes must be; SVG is refused (it can carry scripts).
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
MAX_SIDE = 4000


def image_type(data: bytes) -> str | None:
    """The MIME type of a PNG, JPEG or WebP image, or None for anything else."""
    for signature, mime in SIGNATURES:
        if data.startswith(signature):
            return mime
    if len(data) > 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG header (None when the header is not a PNG one)."""
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)
