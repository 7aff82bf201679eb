"""Maintainer tool: regenerate ``data/han_script.tsv`` from OpenCC's dictionaries.

Run ``python -m searchlib.analysis.foldgen`` with the ``opencc`` wheel installed
(``pip install searchlib[maintainer]``), or ``--dicts DIR`` with OpenCC's
dictionaries dumped as text (``NAME.txt``: key, tab, candidates). The wheel
ships its dictionaries in a binary format and the ``opencc_dict`` tool that
dumps them as text.

The table (read by :mod:`.folding`) has two kinds of lines:

* ``C char default readings flags``: a traditional character's standard
  simplified form (OpenCC's first character-level candidate), every simplified
  form it takes in some context (character candidates from the main CJK block,
  and the characters of phrase conversions aligned one for one), and flags:
  ``T`` traditional only (simplified text never writes it: 國 畫 後),
  ``S`` shared (simplified text writes it as itself too: 乾 於 沈),
  ``A`` shared and listed as ambiguous by OpenCC's character table itself
  (乾 -> 干 or 乾), ``s`` simplified only (a character simplified text writes
  and traditional text never does: 国 画; traditional variants of Taiwan and
  Hong Kong excluded).
* ``P traditional simplified``: OpenCC's t2s phrase conversions of equal
  length (``規畫 规划``), applied by context.

Searchlib never needs OpenCC at run time: the table is data in the package, so
an index built today folds text exactly like one built with a later OpenCC.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).with_name("data") / "han_script.tsv"
DICTS = ("TSCharacters", "TSCharactersExt", "TSPhrases", "STCharacters", "STPhrases",
         "TWVariants", "HKVariants")
Table = dict[str, list[str]]


def _parse(text: str) -> Table:
    rows: Table = {}
    for line in text.splitlines():
        key, _, values = line.partition("\t")
        if key:
            rows[key] = [v for v in values.split(" ") if v]
    return rows


def _main_block(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def build(load: Callable[[str], Table]) -> tuple[dict[str, tuple[str, str, str]], dict[str, str]]:
    """Return ({char: (default, readings, flags)}, {traditional phrase: simplified})."""
    tsc, tsx, tsp, stc, stp = (load(n) for n in DICTS[:5])
    default: dict[str, str] = {}
    readings: dict[str, set[str]] = {}
    for tab in (tsc, tsx):  # the extension table wins, as in OpenCC's t2s chain
        for key, values in tab.items():
            if len(key) == 1 and values and len(values[0]) == 1:
                default[key] = values[0]
            if len(key) == 1:
                readings.setdefault(key, set()).update(
                    v for i, v in enumerate(values) if len(v) == 1 and (i == 0 or _main_block(v)))
    phrases = {k: vs[0] for k, vs in tsp.items() if vs and len(vs[0]) == len(k) and vs[0] != k}
    for key, values in tsp.items():
        for value in values:
            if len(value) == len(key):
                for a, b in zip(key, value):
                    readings.setdefault(a, {a}).add(b)
    # how often phrase conversions (either direction) keep a character as itself
    kept: dict[str, int] = {}
    for tab in (tsp, stp):
        for key, values in tab.items():
            if values and len(values[0]) == len(key):
                for a, b in zip(key, values[0]):
                    if a == b:
                        kept[a] = kept.get(a, 0) + 1
    # simplified text writes c as itself: t2s lists c among its own candidates, or s2t
    # takes it as simplified, or two phrases keep it (one is not enough: 不可貲計)
    own = {c for c in readings if c in tsc.get(c, []) + tsx.get(c, []) or c in stc or kept.get(c, 0) >= 2}
    variants = {v for name in DICTS[5:] for values in load(name).values() for v in values}
    simplified_only = {c for c, vs in stc.items() if len(c) == 1 and c not in vs} - variants
    rows: dict[str, tuple[str, str, str]] = {}
    for ch, outs in readings.items():
        flags = ""
        if ch not in own:
            flags += "T"
        elif outs - {ch}:
            flags += "S"
            if ch in tsc.get(ch, []) + tsx.get(ch, []):
                flags += "A"
        rows[ch] = (default.get(ch, ch), "".join(sorted(outs)), flags)
    for ch in simplified_only:
        d, r, f = rows.get(ch, (ch, "", ""))
        rows[ch] = (d, r, f + "s")
    return rows, phrases


def _opencc_loader(tmp: Path) -> Callable[[str], Table]:
    import opencc  # maintainer-only dependency

    clib = Path(opencc.__file__).parent / "clib"
    share, tool = clib / "share" / "opencc", clib / "bin" / "opencc_dict"

    def load(name: str) -> Table:
        out = tmp / f"{name}.txt"
        subprocess.run([str(tool), "-i", str(share / f"{name}.ocd2"), "-o", str(out),
                        "-f", "ocd2", "-t", "text"], check=True)
        return _parse(out.read_text(encoding="utf-8"))
    return load


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dicts", type=Path, help="folder of OpenCC dictionaries dumped as text")
    ap.add_argument("--version", default=None, help="OpenCC version to record (default: the wheel's)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        load: Callable[[str], Table]
        if args.dicts:
            def load(name: str) -> Table:
                return _parse((args.dicts / f"{name}.txt").read_text(encoding="utf-8"))
            version = args.version or "unknown"
        else:
            load = _opencc_loader(Path(tmp))
            import opencc

            version = args.version or opencc.__version__
        rows, phrases = build(load)
    lines = [
        "# Han script folding for searchlib, generated by searchlib/analysis/foldgen.py",
        f"# from the dictionaries of OpenCC {version} (Apache License 2.0, https://github.com/BYVoid/OpenCC).",
        "# C<TAB>char<TAB>standard simplified<TAB>every simplified reading<TAB>flags (T S A s)",
        "# P<TAB>traditional phrase<TAB>its simplified form",
    ]
    lines += [f"C\t{c}\t{d}\t{r}\t{f}" for c, (d, r, f) in sorted(rows.items())]
    lines += [f"P\t{k}\t{v}" for k, v in sorted(phrases.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} characters and {len(phrases)} phrases to {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
