#!/usr/bin/env python3
"""Rebuilds crates/core/src/types/common_passwords.txt from the npm package
@zxcvbn-ts/language-common (MIT): its `passwords` list, most common first, lowercased, only the
entries kordon's length rule (8-128 characters) lets through, duplicates dropped; then the
entries of the current file the package lacks. The header comment names the source and licence.

    npm pack @zxcvbn-ts/language-common@4.1.3 && tar xzf zxcvbn-ts-language-common-4.1.3.tgz
    scripts/common-passwords.py package/src/passwords.json
"""
import json
import sys
from pathlib import Path

LIST = Path(__file__).resolve().parent.parent / "crates/core/src/types/common_passwords.txt"


def main(source: str) -> None:
    lines = LIST.read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    current = [line for line in lines if line and not line.startswith("#")]
    seen, ranked = set(), []
    for password in json.loads(Path(source).read_text(encoding="utf-8")):
        lower = password.lower()
        if 8 <= len(lower) <= 128 and "\n" not in lower and not lower.startswith("#") and lower not in seen:
            seen.add(lower)
            ranked.append(lower)
    kept = [p for p in current if p not in seen]
    LIST.write_text("\n".join(header + ranked + kept) + "\n", encoding="utf-8")
    print(f"{len(ranked)} from the package, {len(kept)} kept from the old list")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
