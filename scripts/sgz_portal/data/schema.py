r"""Check each file's shape against the JSON Schema files in `schemas/`.

The schema files are the one source of truth for the shape of the data; this
module only turns jsonschema's errors into Issues with Chinese messages.

Almost every file is valid, and jsonschema (pure Python) was the largest cost of a province's
build: 112 of 886 CPU seconds at 34,304 stations. So a file is first checked by jsonschema-rs
(compiled: 0.05 s instead of 3.95 s for 1,880 stations) and, only if that finds a problem, again by jsonschema,
whose errors say where and why. jsonschema stays the judge: jsonschema-rs may only pass what
jsonschema passes. Their regular expressions differ in one way that matters (ECMAScript's `\s`
lacks U+001C–U+001F and U+0085, which Python counts as space), so patterns are widened for
jsonschema-rs (`_as_python`); tests/test_schema_files.py sweeps every pattern over the characters
where the two could disagree.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
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


def _schema(name: str) -> Any:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(_schema(name))


# Characters Python's `\s` matches and ECMAScript's does not.
_PY_ONLY_SPACE = "\\x1c-\\x1f\\x85"


def _as_python(pattern: str) -> str:
    r"""The pattern with Python's meaning of space for jsonschema-rs: `\s` gains the characters
    (inside a class too), `\S` outside a class becomes `[^\s…]`. (`\S` inside a class is not
    translated; no schema has one, and the sweep in the tests would catch it.)"""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        pair = pattern[i:i + 2]
        if pair.startswith("\\"):
            if pair == "\\S" and not in_class:
                out.append(f"[^\\s{_PY_ONLY_SPACE}]")
            elif pair == "\\s":
                out.append(f"\\s{_PY_ONLY_SPACE}" if in_class else f"[\\s{_PY_ONLY_SPACE}]")
            else:
                out.append(pair)
            i += 2
            continue
        if pattern[i] == "[" and not in_class:
            in_class = True
        elif pattern[i] == "]" and in_class:
            in_class = False
        out.append(pattern[i])
        i += 1
    return "".join(out)


def _widened(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _as_python(v) if k == "pattern" and isinstance(v, str) else _widened(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_widened(v) for v in node]
    return node


@cache
def fast_validator(name: str) -> Any:
    return jsonschema_rs.Draft202012Validator(_widened(_schema(name)), validate_formats=False)


def _surely_valid(data: Any, schema: str) -> bool:
    """jsonschema-rs finds nothing wrong. Data it cannot take (a key that is not a string, say)
    goes to jsonschema."""
    try:
        return bool(fast_validator(schema).is_valid(data))
    except (ValueError, TypeError, OverflowError):
        return False


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
    if _surely_valid(doc.data, schema):
        return []
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
