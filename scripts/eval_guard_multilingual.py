"""Prompt-attack recall and false alarms by language, on registry-shipped multilingual text.

Attacks: ``garak-multilingual`` 0.1.0 (a third-party probe pack, not the ``garak``
package; its payloads are plain Python literals, read with ``ast``, never imported):
Turkish injections and jailbreaks, and a few injections each in German, Spanish,
French, Chinese, Russian, Arabic and Persian. Nothing of it is in the classifier's
training data. Benign: ``chatterbot-corpus`` conversations per language (French,
German, Spanish, Portuguese, Chinese, Turkish...; the classifier trained on chatterbot
rows, so these are false alarms on seen text) and ``redteam-foundry`` 0.5.1's
multilingual benign control set (Chinese, Japanese, Korean; unseen).

    python scripts/eval_guard_multilingual.py --setup   # once: download and unpack
    python scripts/eval_guard_multilingual.py
"""

from __future__ import annotations

import argparse
import ast
import collections
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from watchkeeper.llm.guard import Guard

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "bench" / ".venvs" / "guard-multilingual"
CHATTER = ROOT / "bench" / ".venvs" / "guard-corpus" / "site" / "chatterbot_corpus" / "data"
PINNED = ("garak-multilingual==0.1.0", "redteam-foundry==0.5.1")
LANGUAGES = {
    "french": "fr", "german": "de", "spanish": "es", "portuguese": "pt", "chinese": "zh",
    "turkish": "tr", "russian": "ru", "english": "en",
}  # fmt: skip


def setup() -> None:
    wheels = FOLDER / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(wheels)]
    # redteam-foundry declares Python >= 3.13; only its data is read, so any wheel does.
    subprocess.run([*pip, PINNED[0]], check=True)
    subprocess.run([*pip, "--python-version", "3.13", "--only-binary=:all:", PINNED[1]], check=True)
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(FOLDER / "site")


def _value(node: ast.AST, names: dict[str, object]) -> object:
    """A literal, allowing module constants and ``+`` between strings (no code runs)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return names[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _value(node.left, names), _value(node.right, names)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
    if isinstance(node, ast.List | ast.Tuple):
        return [_value(item, names) for item in node.elts]
    if isinstance(node, ast.Dict):
        return {
            _value(k, names): _value(v, names)
            for k, v in zip(node.keys, node.values, strict=True)
            if k
        }
    raise ValueError(f"not a literal: {ast.dump(node)[:80]}")


def _literal(path: Path, name: str) -> object:
    names: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target, value = None, None
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target, value = node.target.id, node.value
        if target is None or value is None:
            continue
        try:
            names[target] = _value(value, names)
        except (ValueError, KeyError):
            continue
    return names[name]


def attacks() -> list[tuple[str, str]]:
    path = FOLDER / "site" / "garak_multilingual" / "payloads.py"
    rows = []
    for name in ("TURKISH_INJECTION", "MULTILINGUAL_INJECTION", "TURKISH_CASEFOLD_EVASION",
                 "TURKISH_JAILBREAK"):  # fmt: skip
        for item in _literal(path, name):  # type: ignore[attr-defined]
            rows.append((item.get("lang", "tr"), item["prompt"]))
    return rows


def benign() -> list[tuple[str, str, str]]:
    rows = []
    for folder, lang in LANGUAGES.items():
        for path in sorted((CHATTER / folder).glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for conversation in data.get("conversations") or []:
                for turn in conversation or []:
                    if isinstance(turn, str) and len(turn.strip()) >= 8:
                        rows.append((lang, "chatterbot", turn))
    raw = _literal(FOLDER / "site" / "redteam" / "multilingual.py", "_RAW")
    rows += [(lang, "redteam-foundry", text) for lang, text in raw]  # type: ignore[attr-defined]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true")
    if parser.parse_args().setup:
        setup()
    guard = Guard()
    hits: collections.Counter[str] = collections.Counter()
    totals: collections.Counter[str] = collections.Counter()
    for lang, text in attacks():
        totals[lang] += 1
        hits[lang] += guard.scan_prompt(text).flagged
    print("| language | attacks | flagged | recall |\n| --- | --- | --- | --- |")
    for lang in sorted(totals, key=lambda k: -totals[k]):
        print(f"| {lang} | {totals[lang]} | {hits[lang]} | {hits[lang] / totals[lang]:.2f} |")
    alarms: collections.Counter[tuple[str, str]] = collections.Counter()
    rows: collections.Counter[tuple[str, str]] = collections.Counter()
    for lang, source, text in benign():
        rows[(lang, source)] += 1
        alarms[(lang, source)] += guard.scan_prompt(text).flagged
    print("\n| language | benign source | rows | false alarms |\n| --- | --- | --- | --- |")
    for key in sorted(rows):
        share = alarms[key] / rows[key]
        print(f"| {key[0]} | {key[1]} | {rows[key]} | {alarms[key]} ({share:.1%}) |")


if __name__ == "__main__":
    main()
