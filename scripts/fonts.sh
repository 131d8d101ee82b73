#!/usr/bin/env bash
# Re-copies the share-card fonts (internal/toolkit/card/fonts) from Debian's
# fonts-noto-core package (SIL Open Font License 1.1). The fonts are copied
# whole, not subset. Needs: apt-get install -y fonts-noto-core
set -euo pipefail
src=${NOTO_DIR:-/usr/share/fonts/truetype/noto}
dst="$(cd "$(dirname "$0")/.." && pwd)/internal/toolkit/card/fonts"
mkdir -p "$dst"
for f in NotoSans-Regular NotoSans-Bold \
	NotoSansArabic-Regular NotoSansArabic-Bold \
	NotoSansDevanagari-Regular NotoSansDevanagari-Bold; do
	cp "$src/$f.ttf" "$dst/$f.ttf"
done
# The licence text: the OFL section of the package's copyright file.
copyright=${NOTO_COPYRIGHT:-/usr/share/doc/fonts-noto-core/copyright}
{
	echo "Copyright 2010, 2012-2020 Google Inc.; 2015-2020 Google LLC."
	echo "This Font Software is licensed under the SIL Open Font License, Version 1.1."
	echo
	# the stand-alone "License: OFL-1.1" paragraph holds the full text
	awk 'BEGIN {RS=""} /^License: OFL-1.1\n/ {sub(/^License: OFL-1.1\n/, ""); print}' "$copyright" |
		sed -e 's/^ //' -e 's/^\.$//'
} >"$dst/OFL.txt"
du -ch "$dst"/*.ttf | tail -1
