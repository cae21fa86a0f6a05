"""Build step for the log engine's compiled modules (everything else is in pyproject.toml).

The modules listed in ``src/wangan/engines/logscan/_compiled.py`` are compiled with
Cython from their unchanged ``.py`` sources.  The build is optional: without Cython
or a C compiler, or when a module fails to compile, the install goes on and the
engine runs the same sources as plain Python (identical results, slower).
``WANGAN_NO_COMPILE=1`` skips it on purpose.
"""

import ast
import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
ENGINE = "src/wangan/engines/logscan"


def _modules(name: str = "MODULES") -> list[str]:
    tree = ast.parse((HERE / ENGINE / "_compiled.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise RuntimeError(f"{name} not found in _compiled.py")


def _extensions() -> list:
    if os.environ.get("WANGAN_NO_COMPILE", "") not in ("", "0"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("logscan: Cython not available, the engine runs as plain Python", file=sys.stderr)
        return []
    # no debug info: a third less compile time in ``pip install`` on a 2-core machine
    exts = [Extension(f"wangan.engines.logscan.{m}", [f"{ENGINE}/{m}.py"], extra_compile_args=["-g0"])
            for m in _modules()]
    # C helpers (``.pyx``, optional like the rest: their callers keep a Python path)
    exts += [Extension(f"wangan.engines.logscan.{m}", [f"{ENGINE}/{m}.pyx"], extra_compile_args=["-g0"])
             for m in _modules("HELPERS")]
    try:
        return cythonize(exts, build_dir="build/cython", quiet=True, nthreads=os.cpu_count() or 1,
                         # annotations are documentation here: typing arguments from them would change
                         # behaviour (a ``float`` argument becomes a C double, ``list`` refuses tuples)
                         compiler_directives={"language_level": 3, "binding": True, "annotation_typing": False})
    except Exception as exc:  # a Cython failure must not fail the install
        print(f"logscan: Cython translation failed ({exc}), the engine runs as plain Python", file=sys.stderr)
        return []


class OptionalBuildExt(build_ext):
    """Compile what compiles; a module that fails stays plain Python."""

    def finalize_options(self):
        super().finalize_options()
        if self.parallel is None:
            self.parallel = os.cpu_count() or 1

    def run(self):
        try:
            super().run()
        except Exception as exc:
            print(f"logscan: compiled modules not built ({exc}), the engine runs as plain Python", file=sys.stderr)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:
            print(f"logscan: {ext.name} not compiled ({exc}), it runs as plain Python", file=sys.stderr)


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
