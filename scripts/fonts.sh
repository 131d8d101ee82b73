#!/usr/bin/env bash
# Rebuilds the share-card fonts (internal/toolkit/card/fonts) as subsets of
# Debian's Noto fonts (SIL Open Font License 1.1), with fontTools' subsetter
# (pyftsubset), and writes their licence, OFL.txt. Needs:
#   apt-get install -y python3-fonttools fonts-noto-core fonts-noto-cjk
#
# Each font keeps the Unicode blocks of its script, the common characters it
# carries (spaces, punctuation, digits, the dotted circle shapers insert), all
# its OpenType layout features and its name table; it loses its hinting (the
# card rasterizer does not hint) and its glyph names.
#
# Chinese is Noto Sans CJK SC, cut to the 3,755 level-1 hanzi of GB2312 (the
# common characters of modern Simplified Chinese), the characters of the
# Chinese locale file, CJK punctuation, kana and full-width forms. Before
# subsetting, its GSUB and GPOS keep only the Simplified Chinese language
# system: the Japanese, Korean and Traditional ones map almost every hanzi to
# another glyph (locl), which would double the file for forms no card uses.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dst="$root/internal/toolkit/card/fonts"
noto=${NOTO_DIR:-/usr/share/fonts/truetype/noto}
cjk=${NOTO_CJK_DIR:-/usr/share/fonts/opentype/noto}

python=
for p in ${PYTHON:-} python3 /usr/bin/python3; do
	if "$p" -c 'import fontTools.subset' 2>/dev/null; then
		python=$p
		break
	fi
done
if [ -z "$python" ]; then
	echo "fonts.sh: no Python with fontTools; apt-get install -y python3-fonttools" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$dst"
rm -f "$dst"/*.ttf "$dst"/*.otf

subset() { # source, output name, Unicode ranges, pyftsubset options...
	local src=$1 out=$2 unicodes=$3
	shift 3
	"$python" -m fontTools.subset "$src" --output-file="$dst/$out" \
		--unicodes="$unicodes" --layout-features='*' --name-IDs='*' \
		--no-hinting "$@"
}

common=U+0000-00FF,U+02BC,U+0300-036F,U+2000-206F,U+20A0-20CF,U+20F0,U+2212,U+25CC,U+2E00-2E7F,U+FE00-FE0F,U+FEFF,U+FFFC-FFFD
latin=U+0100-02FF,U+0370-03FF,U+0400-052F,U+1AB0-1AFF,U+1C80-1C8F,U+1D00-1DFF,U+1E00-1FFF,U+2070-209F,U+2100-218F,U+2C60-2C7F,U+2DE0-2DFF,U+A640-A69F,U+A700-A7FF,U+A92E,U+AB30-AB6F,U+FB00-FB06,U+FE20-FE2F
arabic=U+0600-06FF,U+0750-077F,U+0870-08FF,U+FB50-FDFF,U+FE70-FEFF
devanagari=U+0900-097F,U+1CD0-1CFF,U+A830-A83F,U+A8E0-A8FF
ethiopic=U+1200-139F,U+2D80-2DDF,U+AB00-AB2F

for weight in Regular Bold; do
	subset "$noto/NotoSans-$weight.ttf" "NotoSans-$weight.ttf" "$common,$latin"
	subset "$noto/NotoSansArabic-$weight.ttf" "NotoSansArabic-$weight.ttf" "$common,$arabic"
	subset "$noto/NotoSansDevanagari-$weight.ttf" "NotoSansDevanagari-$weight.ttf" "$common,$devanagari"
	subset "$noto/NotoSansEthiopic-$weight.ttf" "NotoSansEthiopic-$weight.ttf" "$common,$ethiopic"
done

# The characters of the Chinese face: GB2312 level 1 (rows 16 to 55, the
# last one ending at 0xD7F9), its first two rows (quotes, dashes, brackets,
# circled and Roman numerals), and the Chinese locale file. No ASCII but the space: digits
# and Latin letters in Chinese text come from Noto Sans, like the hashtag.
"$python" - "$root/internal/i18n/locales/zh.json" >"$tmp/zh.txt" <<'EOF'
import sys
chars = set()
for hi in range(0xA1, 0xD8):
    if 0xA3 <= hi <= 0xAF:
        continue
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
with open(sys.argv[1], encoding="utf-8") as f:
    chars.update(c for c in f.read() if ord(c) > 0x7F)
print("".join(sorted(chars)))
EOF
cjkchars=U+0020,U+00A0,U+2000-200F,U+2028-202F,U+205F-206F,U+25CC,U+3000-30FF,U+FF00-FFEF

# Picks the Simplified Chinese face of the collection by its PostScript
# name and keeps only its Simplified Chinese language system.
for weight in Regular Bold; do
	"$python" - "$cjk/NotoSansCJK-$weight.ttc" "NotoSansCJKsc-$weight" "$tmp/sc-$weight.otf" <<'EOF'
import sys
from fontTools.ttLib import TTCollection
collection, psname, out = sys.argv[1:]
faces = [f for f in TTCollection(collection, lazy=True, recalcTimestamp=False).fonts if f["name"].getDebugName(6) == psname]
if len(faces) != 1:
    sys.exit(f"{collection}: no face {psname}")
face = faces[0]
for tag in ("GSUB", "GPOS"):
    for record in face[tag].table.ScriptList.ScriptRecord:
        script = record.Script
        script.LangSysRecord = [r for r in script.LangSysRecord if r.LangSysTag == "ZHS "]
        script.LangSysCount = len(script.LangSysRecord)
face.save(out)
EOF
	subset "$tmp/sc-$weight.otf" "NotoSansCJKsc-$weight.otf" "$cjkchars" --text-file="$tmp/zh.txt"
done

# The licence: the copyright lines of every font shipped, then the OFL text
# (the stand-alone "License: OFL-1.1" paragraph of the package's copyright
# file).
copyright=${NOTO_COPYRIGHT:-/usr/share/doc/fonts-noto-core/copyright}
{
	echo "Noto Sans, Noto Sans Arabic, Noto Sans Devanagari, Noto Sans Ethiopic:"
	echo "Copyright 2010, 2012-2020 Google Inc.; 2015-2020 Google LLC."
	echo
	echo "Noto Sans CJK SC:"
	echo "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'."
	echo
	echo "This Font Software is licensed under the SIL Open Font License, Version 1.1."
	echo "The fonts here are subsets (fewer characters, no hinting) of the originals."
	echo
	awk 'BEGIN {RS=""} /^License: OFL-1.1\n/ {sub(/^License: OFL-1.1\n/, ""); print}' "$copyright" |
		sed -e 's/^ //' -e 's/^\.$//'
} >"$dst/OFL.txt"
du -ch "$dst"/*.ttf "$dst"/*.otf | tail -1
