"""Write the online edition's WOFF2 fonts into styles/fonts/web/ (make web-fonts).

Run after a face of styles/fonts.css is added or replaced, then commit what it wrote:
each face's subset for French (bippdf.webfonts.CHARSET) and the families' licences.
"""

from __future__ import annotations

from bippdf.resources import styles_dir
from bippdf.webfonts import make


def main() -> None:
    for path in make(styles_dir()):
        print(f"{path.relative_to(styles_dir().parent)} : {path.stat().st_size // 1024} Kio")


if __name__ == "__main__":
    main()
