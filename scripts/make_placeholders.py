"""Make the neutral placeholder images that stand in for No. 6's photos.

The photos of the printed issue are not available. Each placeholder is an
abstract gradient with soft discs, drawn from a fixed seed so that the same
files come out every time. Usage: python scripts/make_placeholders.py
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

IMAGES = Path(__file__).resolve().parent.parent / "issues" / "2019-08-numero-06" / "images"

# name: (width, height, seed, (top-left colour, bottom-right colour))
PLACEHOLDERS = {
    "couverture": (2100, 1500, 6, ((28, 53, 87), (120, 168, 201))),
    "traite-des-personnes": (1800, 960, 1, ((47, 111, 159), (214, 226, 236))),
    "proxenetisme": (1800, 960, 2, ((60, 72, 96), (186, 198, 214))),
    "estrie": (1800, 960, 3, ((46, 96, 110), (205, 222, 215))),
    "projet-pimp": (1800, 960, 4, ((86, 70, 110), (222, 214, 230))),
}


def placeholder(
    width: int, height: int, seed: int, colours: tuple[tuple[int, int, int], tuple[int, int, int]]
) -> Image.Image:
    """A diagonal gradient between two colours, with blurred light discs."""
    rng = random.Random(seed)
    (r0, g0, b0), (r1, g1, b1) = colours
    small = Image.new("RGB", (64, 64))
    for y in range(64):
        for x in range(64):
            t = (x + y) / 126
            small.putpixel(
                (x, y),
                (round(r0 + (r1 - r0) * t), round(g0 + (g1 - g0) * t), round(b0 + (b1 - b0) * t)),
            )
    image = small.resize((width, height), Image.Resampling.BICUBIC)
    discs = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(discs)
    for _ in range(14):
        radius = rng.randint(height // 10, height // 3)
        cx, cy = rng.randint(0, width), rng.randint(0, height)
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=rng.randint(25, 70))
    discs = discs.filter(ImageFilter.GaussianBlur(height // 40))
    return Image.composite(Image.new("RGB", (width, height), (255, 255, 255)), image, discs)


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    for name, (width, height, seed, colours) in PLACEHOLDERS.items():
        path = IMAGES / f"{name}.jpg"
        placeholder(width, height, seed, colours).save(
            path, quality=86, optimize=True, dpi=(300, 300)
        )
        print(path.name, path.stat().st_size // 1024, "KB")


if __name__ == "__main__":
    main()
