"""Check each file's shape against the JSON Schema files in `schemas/`.

The schema files are the one source of truth for the shape of the data; this
module only turns jsonschema's errors into Issues with Chinese messages.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from sgz_portal.data.issues import KIND_WORDS, Issue, issue, suggest
from sgz_portal.data.load import Document

SCHEMA_DIR = Path(__file__).parent / "schemas"

# Patterns whose schema node has no description of its own (level-specific region codes).
PATTERN_WORDS = {
    "^[0-9]{6}$": "省、市、县级区划代码应为 6 位数字",
    "^[0-9]{9}$": "乡镇(街道)区划代码应为 9 位数字",
    "^[0-9]{12}$": "村(社区)区划代码应为 12 位数字",
}


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return KIND_WORDS["boolean"]
    for name, kind in (("integer", int), ("number", float), ("string", str),
                       ("array", list), ("object", dict)):
        if isinstance(value, kind):
            return KIND_WORDS[name]
    return KIND_WORDS["null"]


def _leaves(error: ValidationError) -> list[ValidationError]:
    """For oneOf/anyOf, report the branch that got furthest instead of a summary."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        deepest = max(len(e.absolute_path) for e in error.context)
        return [e for e in error.context if len(e.absolute_path) == deepest]
    return [error]


def _to_issues(doc: Document, error: ValidationError) -> list[Issue]:
    path = tuple(error.absolute_path)
    value: Any = error.instance
    kind: Any = error.validator
    expected: Any = error.validator_value
    schema: Any = error.schema
    at = lambda p=path: doc.line(p)  # noqa: E731
    if kind == "required":
        return [issue("schema_required", doc.file, at(), path + (key,), key=key)
                for key in expected if isinstance(value, dict) and key not in value]
    if kind == "additionalProperties":
        known = list(schema.get("properties", {}))
        extra = [k for k in value if k not in known] if isinstance(value, dict) else []
        return [issue("schema_unknown_key", doc.file, at(path + (k,)), path + (k,), key=k,
                      hint=suggest(k, known) or f"(可用的键:{'、'.join(known)})")
                for k in extra]
    if kind == "type":
        want = expected if isinstance(expected, list) else [expected]
        words = "或".join(str(KIND_WORDS.get(w, w)) for w in want)
        return [issue("schema_type", doc.file, at(), path, expected=words, actual=_kind(value))]
    if kind in ("enum", "const"):
        allowed = expected if kind == "enum" else [expected]
        return [issue("schema_enum", doc.file, at(), path, value=value,
                      allowed="、".join(map(str, allowed)))]
    if kind == "pattern":
        words = PATTERN_WORDS.get(expected) or schema.get("description") or f"应符合 {expected}"
        return [issue("schema_pattern", doc.file, at(), path, value=value, expected=words)]
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        sign = {"minimum": "≥", "maximum": "≤", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
        return [issue("schema_range", doc.file, at(), path, value=value,
                      bound=f"{sign[kind]} {expected}")]
    if kind == "minItems":
        return [issue("schema_min_items", doc.file, at(), path, count=expected)]
    return [issue("schema_other", doc.file, at(), path, detail=error.message)]


def check_shape(doc: Document, schema: str) -> list[Issue]:
    """All shape problems of one document, one per value: when several parts of the schema
    refuse the same value (a report's period is checked by its own pattern and again by the
    rule for its type), the most specific one (deepest in the schema) speaks."""
    best: dict[tuple, tuple[int, list[Issue]]] = {}
    order: list[tuple] = []
    for error in validator(schema).iter_errors(doc.data):
        for leaf in _leaves(error):
            depth = len(leaf.absolute_schema_path)
            for found in _to_issues(doc, leaf):
                key = (found.path, found.code in ("schema_required", "schema_unknown_key"))
                if key not in best:
                    order.append(key)
                    best[key] = (depth, [found])
                elif depth > best[key][0]:
                    best[key] = (depth, [found])
                elif depth == best[key][0] and found not in best[key][1] and key[1]:
                    best[key][1].append(found)
    return [found for key in order for found in best[key][1]]
