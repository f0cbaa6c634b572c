"""Draw the animatic's title card (header line and word-wrapped prompt) with Pillow."""

from __future__ import annotations

from functools import cache

from PIL import Image, ImageDraw, ImageFont

BACKGROUND = (18, 20, 28)
HEADER_COLOR = (236, 196, 110)
BODY_COLOR = (232, 232, 236)
RULE_COLOR = (90, 96, 112)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def _font(size: int) -> Font:
    # Pillow bundles a scalable font (load_default with a size needs FreeType, which the wheels
    # ship); fall back to DejaVu, then to the bitmap font so a card is always drawn.
    try:
        return ImageFont.load_default(size=size)
    except (OSError, ValueError):
        try:
            return ImageFont.truetype("DejaVuSans.ttf", size)
        except OSError:
            return ImageFont.load_default()


def _text_width(font: Font, text: str) -> float:
    return float(font.getlength(text))


def wrap(text: str, font: Font, max_width: float) -> list[str]:
    """Greedy word wrap by rendered width; a word longer than a line is split by characters."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if _text_width(font, candidate) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while _text_width(font, word) > max_width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and _text_width(font, word[:cut]) > max_width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _fit_lines(lines: list[str], max_lines: int, font: Font, max_width: float) -> list[str]:
    if len(lines) <= max_lines:
        return lines
    kept = lines[: max(1, max_lines)]
    last = kept[-1]
    while last and _text_width(font, last + " …") > max_width:
        last = last[:-1]
    kept[-1] = last.rstrip() + " …"
    return kept


def draw_title_card(text: str, size: tuple[int, int]) -> Image.Image:
    """Render ``text`` (first line a header, the rest the body) on a card of ``size``.

    Font sizes follow the frame's shorter side so the card stays legible from 320x180 to 4k.
    """
    width, height = size
    header, _, body = text.partition("\n")
    short_side = min(width, height)
    margin = max(8, int(width * 0.07))
    max_width = width - 2 * margin
    header_px = max(10, short_side // 14)
    body_px = max(9, short_side // 20)
    header_font = _font(header_px)
    body_font = _font(body_px)
    header_lines = _fit_lines(
        wrap(header.strip(), header_font, max_width), 2, header_font, max_width
    )
    header_step = int(header_px * 1.3)
    body_step = int(body_px * 1.35)

    card = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(card)
    y = max(margin // 2, int(height * 0.1))
    for line in header_lines:
        draw.text((margin, y), line, font=header_font, fill=HEADER_COLOR)
        y += header_step
    y += body_step // 3
    draw.line((margin, y, width - margin, y), fill=RULE_COLOR, width=max(1, short_side // 300))
    y += body_step // 2
    room = max(1, (height - y - margin // 2) // body_step)
    body_lines = _fit_lines(wrap(body.strip(), body_font, max_width), room, body_font, max_width)
    for line in body_lines:
        draw.text((margin, y), line, font=body_font, fill=BODY_COLOR)
        y += body_step
    return card
