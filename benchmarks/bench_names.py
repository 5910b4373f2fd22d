"""What the PERSON and ADDRESS recognizers cost: scan MB/s with and without them.

    python benchmarks/bench_names.py                # 8 MB mixed corpus + 2 MB stress text
    python benchmarks/bench_names.py --size-mb 20
    python benchmarks/bench_names.py --ner          # adds "full + ner" (extra [ner])

Two texts: the mixed ko/zh/en benchmark corpus from jikimi.testing, and a stress text made
of sentences dense in what the name and address anchors react to (family-name syllables
before honorifics, province and district names, English given names, road names with
numbers) but holding almost no real candidates, which shows the cost of rejected anchors.
With ``--ner`` a last column adds the model-based name taggers (Kiwi for Korean, jieba for
Chinese) to the full set, and the taggers' own speed is printed per MB of the text they
read (lines in their script). Figures are single-core and noisy on a shared machine.
"""

from __future__ import annotations

import argparse
import random
import re
import time

from jikimi.detect.ner import taggers_for
from jikimi.scanner import engine_for
from jikimi.testing.corpus import make_corpus
from jikimi.types import EntityId

MB = 1_000_000
IDENTIFIERS = frozenset(e for e in EntityId if e not in (EntityId.PERSON, EntityId.ADDRESS))
NAMES_ADDRESSES = frozenset({EntityId.PERSON, EntityId.ADDRESS})

_STRESS = (
    "이번 주말에 정말 많은 고객님들이 방문하셨습니다. 사장님께서 과장된 말씀을 하셨다. ",
    "서울에서 만나요. 강남구 주민 여러분께 알려드립니다. 새로 3개를 샀고 주로 2시에 와요. ",
    "김치찌개가 맛있어요. 이사님 보고서는 정보 과장 회의 후에 드릴게요. 고객 정보를 확인하세요. ",
    "北京是中国的首都，广东省经济发达，我在上海市工作。朝阳区的房价很高。",
    "今天时间方便吗？王国的历史很长。周末老师不上课。高级经理的职责是协调。",
    "请在周一前提交金额明细。项目经理负责协调。客户关系管理系统已经上线。",
    "Grace Church is on Main Street. Will Power rules. Lincoln Park and Virginia Beach. ",
    "The University of Virginia and the Washington Post. Dear Customer, thank you. ",
    "Mark Twain wrote about Thomas Edison and Henry Ford in 12 Short Chapters. ",
)


def stress_text(size_bytes: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    n = 0
    while n < size_bytes:
        s = rng.choice(_STRESS)
        parts.append(s)
        n += len(s.encode("utf-8"))
    return "".join(parts)


def mb_per_s(
    text: str, entities: frozenset[EntityId] | None, repeat: int, ner: bool = False
) -> float:
    engine = engine_for(entities, None, ner)
    engine.scan(text[:10_000])  # warm up: compile, scratch
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        engine.scan(text)
        best = min(best, time.perf_counter() - t)
    return len(text.encode("utf-8")) / MB / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=8.0)
    ap.add_argument("--stress-mb", type=float, default=2.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ner", action="store_true", help="also time the full set with --ner")
    args = ap.parse_args()
    texts = {
        "mixed corpus": make_corpus(int(args.size_mb * MB), seed=0),
        "anchor stress": stress_text(int(args.stress_mb * MB)),
    }
    selections = {
        "identifiers only": IDENTIFIERS,
        "names+addresses only": NAMES_ADDRESSES,
        "full": None,
    }
    heads = [*selections, *(["full + ner"] if args.ner else [])]
    print(f"{'text':<14} {'MB':>5} | " + " | ".join(f"{k:>20}" for k in heads))
    for name, text in texts.items():
        size = len(text.encode("utf-8")) / MB
        rates = [mb_per_s(text, sel, args.repeat) for sel in selections.values()]
        if args.ner:
            rates.append(mb_per_s(text, None, args.repeat, ner=True))
        print(f"{name:<14} {size:5.1f} | " + " | ".join(f"{r:15.1f} MB/s" for r in rates))
    if args.ner:
        tagger_speed(texts["mixed corpus"])


def tagger_speed(text: str) -> None:
    """Each tagger alone on the mixed corpus, per MB of the lines it actually reads."""
    for tagger in taggers_for(None):
        script = "[가-힣]" if tagger.name.startswith("ner-ko") else "[\u4e00-\u9fff]"
        read = sum(len(line.encode()) for line in text.splitlines() if re.search(script, line))
        tagger.names(text[:10_000])  # load the model
        t = time.perf_counter()
        found = len(tagger.names(text))
        secs = time.perf_counter() - t
        whole = len(text.encode()) / MB / secs
        print(
            f"{tagger.name}: {read / MB:.1f} MB of lines in its script, {read / MB / secs:.2f}"
            f" MB/s of them ({whole:.2f} MB/s of the corpus), {found} names"
        )


if __name__ == "__main__":
    main()
