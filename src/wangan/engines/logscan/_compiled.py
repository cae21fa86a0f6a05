"""Which engine modules are compiled, and the switch back to pure Python.

``pip install`` compiles the modules in :data:`MODULES` with Cython (``setup.py``):
the *same* ``.py`` source becomes a C extension placed beside it, which Python
imports instead of the source.  Nothing else differs, so results are the same
either way; without a compiler or Cython the build is skipped and the sources run.

The sources are used instead of an extension when

* ``WANGAN_LOGSCAN_PURE=1`` is set (tests compare both modes this way), or
* the extension is older than its source or its ``.pxd`` (an edited checkout that was
  not rebuilt: a stale extension would silently run old code).

It is all or nothing: the compiled modules share the :class:`Event` extension type
(``event.pxd``), so when one of them has to run as source, all of them do.

This module must stay importable alone (``setup.py`` reads :data:`MODULES` from it).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import warnings

PACKAGE = "wangan.engines.logscan"
# hot path first; every one of them also runs as plain Python
MODULES = ("parsers", "timeutil", "event", "sigma", "correlation", "alerts", "pipeline", "readers", "chains", "risk")
# C helpers written for Cython (``.pyx``, no ``.py`` twin): each is optional, its caller keeps a
# Python path with the same results (see :func:`helper`)
HELPERS = ("_slots",)
PURE_ENV = "WANGAN_LOGSCAN_PURE"
_HERE = os.path.dirname(os.path.abspath(__file__))


def _extension_path(name: str) -> str | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        p = os.path.join(_HERE, name + suffix)
        if os.path.exists(p):
            return p
    return None


def _use_source(name: str) -> bool:
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return True
    ext = _extension_path(name)
    if ext is None:
        return False  # nothing to avoid
    try:
        built = os.path.getmtime(ext)
        if built < os.path.getmtime(os.path.join(_HERE, name + ".py")):
            return True
        pxd = os.path.join(_HERE, name + ".pxd")  # compile-time declarations beside the source
        return os.path.exists(pxd) and built < os.path.getmtime(pxd)
    except OSError:
        return False


class _SourceFinder:
    """Meta-path finder that loads the listed engine modules from their ``.py``."""

    def __init__(self, names: set[str]):
        self.names = names

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(PACKAGE + "."):
            return None
        name = fullname[len(PACKAGE) + 1:]
        if name not in self.names:
            return None
        src = os.path.join(_HERE, name + ".py")
        return importlib.util.spec_from_file_location(
            fullname, src, loader=importlib.machinery.SourceFileLoader(fullname, src))


def install() -> None:
    """Runs when this module is imported (first thing the package ``__init__`` does)."""
    names = {n for n in MODULES if _use_source(n)}
    built = [n for n in MODULES if _extension_path(n) is not None]
    if names or 0 < len(built) < len(MODULES):
        # one stale or not built -> all run as source (a compiled module expects the compiled Event type)
        names = set(MODULES)
    if names and not any(isinstance(f, _SourceFinder) for f in sys.meta_path):
        stale = sorted(n for n in names if _extension_path(n) is not None and _use_source(n))
        if os.environ.get(PURE_ENV, "") in ("", "0"):
            if stale:
                warnings.warn(f"logscan: compiled {', '.join(stale)} older than the source, running the source "
                              "(rebuild: pip install -e .)", RuntimeWarning, stacklevel=2)
            elif built:
                missing = ", ".join(n for n in MODULES if n not in built)
                warnings.warn(f"logscan: {missing} not compiled, running the source (rebuild: pip install -e .)",
                              RuntimeWarning, stacklevel=2)
        sys.meta_path.insert(0, _SourceFinder(names))


def compiled_modules() -> list[str]:
    """The engine modules (and C helpers) that were actually imported from a compiled extension."""
    out = []
    for n in MODULES + HELPERS:
        mod = sys.modules.get(f"{PACKAGE}.{n}")
        if mod is not None and not (getattr(mod, "__file__", None) or "").endswith(".py"):
            out.append(n)
    return out


def _helper_fresh(name: str) -> bool:
    """The helper's extension exists and is not older than its ``.pyx``."""
    ext = _extension_path(name)
    if ext is None:
        return False
    try:
        return os.path.getmtime(ext) >= os.path.getmtime(os.path.join(_HERE, name + ".pyx"))
    except OSError:
        return True  # no .pyx beside it (installed without sources)


def helper(name: str):
    """The C helper module ``name`` (one of :data:`HELPERS`), or None: not built, older than
    its ``.pyx`` (not rebuilt after an edit), or ``WANGAN_LOGSCAN_PURE=1``."""
    if os.environ.get(PURE_ENV, "") not in ("", "0") or not _helper_fresh(name):
        if _extension_path(name) is not None and os.environ.get(PURE_ENV, "") in ("", "0"):
            warnings.warn(f"logscan: compiled {name} older than {name}.pyx, not used (rebuild: pip install -e .)",
                          RuntimeWarning, stacklevel=2)
        return None
    try:
        return importlib.import_module(f"{PACKAGE}.{name}")
    except ImportError:
        return None


install()
