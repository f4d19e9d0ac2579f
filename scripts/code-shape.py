"""The shape of the code, against the limits DESIGN §11 and the architecture issue set.

Prints modules in hubs/ over 400 lines, the 90th percentile of function length outside
hubs/synth/, and route functions over 15 lines; exits non-zero when a limit is passed, so
`make lint` fails on it. Lengths count a function's lines from its `def` (decorators and
docstring excluded) to its last line.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "hubs"
MODULE_LIMIT = 400
FUNCTION_P90_LIMIT = 20
VIEW_LIMIT = 15
VIEW_SHARE = 0.9  # at least this share of route functions within VIEW_LIMIT
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:] or body  # the docstring is not code
    first = body[0].lineno
    return (node.end_lineno or first) - first + 1


def _is_route(node: ast.FunctionDef | ast.AsyncFunctionDef, parents: list[ast.AST]) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in ROUTE_DECORATORS:
            return True
    # flask MethodView methods: get/post/... of a class decorated with a route
    return bool(parents) and isinstance(parents[-1], ast.ClassDef) and node.name in ROUTE_DECORATORS


def _functions(tree: ast.AST) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, bool]]:
    found: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, bool]] = []

    def visit(node: ast.AST, parents: list[ast.AST]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                found.append((child, _is_route(child, parents)))
            visit(child, [*parents, child])

    visit(tree, [])
    return found


def _percentile(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0


def main() -> int:
    big_modules, lengths, long_views, views = [], [], [], 0
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT.parent)
        text = path.read_text()
        if (n := len(text.splitlines())) > MODULE_LIMIT:
            big_modules.append((str(relative), n))
        for node, is_route in _functions(ast.parse(text)):
            length = _body_lines(node)
            if "synth" not in relative.parts:
                lengths.append(length)
            if is_route:
                views += 1
                if length > VIEW_LIMIT:
                    long_views.append((f"{relative}:{node.lineno} {node.name}", length))
    p90 = _percentile(lengths, 0.9)
    short_share = 1 - len(long_views) / views if views else 1.0
    print(f"Modules over {MODULE_LIMIT} lines: {len(big_modules)}")
    for name, n in big_modules:
        print(f"  {n:5d}  {name}")
    print(f"Function length p90 (outside synth/): {p90} lines (limit {FUNCTION_P90_LIMIT})")
    print(
        f"Route functions within {VIEW_LIMIT} lines: {views - len(long_views)} of {views}"
        f" ({short_share:.0%}, target {VIEW_SHARE:.0%})"
    )
    for name, n in sorted(long_views, key=lambda item: -item[1]):
        print(f"  {n:5d}  {name}")
    ok = not big_modules and p90 <= FUNCTION_P90_LIMIT and short_share >= VIEW_SHARE
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
