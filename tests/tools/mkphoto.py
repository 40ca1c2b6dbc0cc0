#!/usr/bin/python3
"""mkphoto.py: an image of text as applicants send a scan or a phone photo.

usage: mkphoto.py OUT.{jpg,png,tif,heic,pdf} [--rotate DEG] LINE...

Each LINE is one line of dark text, in DejaVu Sans at the size of a
printed page seen at 300 dpi, on off-white paper (RGB 238,232,214),
turned by --rotate degrees (default 4) as a hand-held photo is. Every
LINE starting with "--page" begins a new page (tif and pdf only: a
multi-page TIFF, or a PDF of page images with no text, as a scanner
writes one). HEIC is written by heif-enc (libheif-examples). Needs PIL
(python3-pil) and fonts-dejavu-core.
"""

import os
import subprocess
import sys

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PAPER = (238, 232, 214)


def page_image(lines, rotate):
    font = ImageFont.truetype(FONT, 42)
    img = Image.new("RGB", (1600, 140 + 90 * len(lines)), PAPER)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((90, 80 + 90 * i), line, fill=(45, 40, 35), font=font)
    return img.rotate(rotate, expand=True, fillcolor=PAPER, resample=Image.BICUBIC)


def main():
    args = sys.argv[1:]
    rotate = 4.0
    if len(args) >= 2 and args[1] == "--rotate":
        rotate = float(args[2])
        del args[1:3]
    if len(args) < 2:
        sys.exit(__doc__)
    out, lines = args[0], args[1:]
    pages, page = [], []
    for line in lines:
        if line == "--page":
            pages.append(page)
            page = []
        else:
            page.append(line)
    pages.append(page)
    images = [page_image(p, rotate) for p in pages if p]
    ext = out.rsplit(".", 1)[-1].lower()
    if ext == "heic":
        png = out + ".png"
        images[0].save(png)
        subprocess.run(["heif-enc", "-q", "85", png, "-o", out], check=True, stdout=subprocess.DEVNULL)
        os.unlink(png)
    elif ext == "pdf":
        gray = [i.convert("L") for i in images]
        gray[0].save(out, save_all=True, append_images=gray[1:], resolution=200)
    elif ext in ("tif", "tiff"):
        images[0].save(out, save_all=True, append_images=images[1:])
    elif ext in ("jpg", "jpeg"):
        images[0].save(out, quality=80)
    else:
        images[0].save(out)


if __name__ == "__main__":
    main()
