"""Generate fundapp's neutral icons, replacing GOV.UK Frontend's crown images.

The output in assets/images/ is committed; build.sh only copies it. Run this
again only to change the artwork:

    python3 -m venv /tmp/imgvenv && /tmp/imgvenv/bin/pip install pillow
    /tmp/imgvenv/bin/python assets/make_images.py

The file names are the ones GOV.UK Frontend 6.3.0 ships (and that
govuk-frontend-jinja's template.html and manifest.json refer to), so nothing
else has to change. The mark is a white "f" on a deep-teal square, drawn on a
32x32 grid and shared by the SVG and PNG versions.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent / "images"
BRAND = "#106165"  # $govuk-functional-colours brand (teal shade-25)
WHITE = "#ffffff"

# The letter "f" on a 32x32 grid, as one outline: stem with a rounded top-left
# corner running into the top bar, and a crossbar. draw_f() draws the same
# shape with rectangles and a quarter disc.
F_PATH = "M12 26v-9H9v-4h3v-2a5 5 0 0 1 5-5h5v4.5h-4.5V13H22v4h-4.5v9z"
SUPERSAMPLE = 4


def draw_f(draw: ImageDraw.ImageDraw, x0: float, y0: float, unit: float, fill: str) -> None:
    """Draw F_PATH with its 32x32 grid placed at (x0, y0), `unit` px per grid step."""

    def box(a: float, b: float, c: float, d: float) -> tuple[float, float, float, float]:
        return (x0 + a * unit, y0 + b * unit, x0 + c * unit, y0 + d * unit)

    draw.rectangle(box(12, 11, 17.5, 26), fill=fill)  # stem
    draw.pieslice(box(12, 6, 22, 16), 180, 270, fill=fill)  # rounded corner
    draw.rectangle(box(17, 6, 22, 10.5), fill=fill)  # top bar
    draw.rectangle(box(17, 6, 17.5, 11), fill=fill)  # inner corner
    draw.rectangle(box(9, 13, 22, 17), fill=fill)  # crossbar


def square_icon(size: int) -> Image.Image:
    big = size * SUPERSAMPLE
    img = Image.new("RGB", (big, big), BRAND)
    draw_f(ImageDraw.Draw(img), 0, 0, big / 32, WHITE)
    return img.resize((size, size), Image.LANCZOS)


def opengraph() -> Image.Image:
    w, h = 1200, 630
    img = Image.new("RGB", (w * 2, h * 2), BRAND)
    draw = ImageDraw.Draw(img)
    unit = 14 * 2  # mark is 32 * 14 = 448px tall at final size
    draw_f(draw, 90 * 2, (h - 32 * 14) * 2 / 2, unit, WHITE)
    # Any bold sans will do; DejaVu is what Debian ships.
    font_file = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
    text_x, text_w = 470, 640  # final-size px: text box right of the mark
    size = 160
    font = ImageFont.truetype(font_file, size * 2)
    while draw.textlength("fundapp", font=font) > text_w * 2:
        size -= 4
        font = ImageFont.truetype(font_file, size * 2)
    draw.text((text_x * 2, h), "fundapp", font=font, fill=WHITE, anchor="lm")
    return img.resize((w, h), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for size in (180, 192, 512):
        square_icon(size).save(OUT / f"govuk-icon-{size}.png", optimize=True)
    # Largest first so every size is rendered from a crisp source.
    square_icon(48).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    opengraph().save(OUT / "govuk-opengraph-image.png", optimize=True)

    (OUT / "favicon.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<path fill="{BRAND}" d="M0 0h32v32H0z"/>'
        f'<path fill="{WHITE}" d="{F_PATH}"/></svg>\n'
    )
    # Single-colour icon (Safari mask-icon, manifest "monochrome"): the square
    # with the "f" cut out.
    (OUT / "govuk-icon-mask.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<path fill-rule="evenodd" d="M0 0h32v32H0z{F_PATH}"/></svg>\n'
    )
    # Stand-in for the Royal Arms crest that the footer CSS refers to
    # (.govuk-footer__copyright-logo::before, hidden in fundapp.scss anyway):
    # an empty image of the same size.
    (OUT / "govuk-crest.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="125" height="102" viewBox="0 0 125 102"/>\n'
    )


if __name__ == "__main__":
    main()
