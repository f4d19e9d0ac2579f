"""The registry of generators: one small function per feature, run in dependency order.

A feature adds its synthetic data by dropping a module into `hubs/synth/generators/` with
one decorated function (modules there are imported automatically)::

    @generator("transitions", after=("episodes",))
    def transitions(ctx: SynthContext) -> None:
        rng = ctx.rng("transitions")
        ctx.insert(Transition.__table__, ("id", ...), rows)

`after` names the generators whose rows (or `ctx.world` state) it needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Generator:
    name: str
    run: Callable[..., None]
    after: tuple[str, ...]


_GENERATORS: dict[str, Generator] = {}


def generator(
    name: str, *, after: Iterable[str] = ()
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a function that writes one feature's synthetic rows."""

    def register(func: Callable[..., None]) -> Callable[..., None]:
        if name in _GENERATORS and _GENERATORS[name].run is not func:
            raise ValueError(f"two synthetic data generators are called {name!r}")
        _GENERATORS[name] = Generator(name, func, tuple(after))
        return func

    return register


def load_generators() -> None:
    """Import every module in hubs.synth.generators (each registers its functions)."""
    import importlib
    import pkgutil

    from hubs.synth import generators

    for module in pkgutil.iter_modules(generators.__path__):
        importlib.import_module(f"{generators.__name__}.{module.name}")


def ordered() -> list[Generator]:
    """Every registered generator, each after the ones it names (then in name order)."""
    load_generators()
    done: list[Generator] = []
    placed: set[str] = set()
    pending = dict(sorted(_GENERATORS.items()))
    while pending:
        ready = [g for g in pending.values() if set(g.after) <= placed]
        if not ready:
            missing = {n: sorted(set(g.after) - placed) for n, g in pending.items()}
            raise ValueError(f"generators wait on unknown or circular names: {missing}")
        for gen in ready:
            done.append(gen)
            placed.add(gen.name)
            del pending[gen.name]
    return done
