"""Smart Logistics Amsterdam: the ICT of the Amsterdam region's logistics programme.

The package is kept light to import: subpackages (``network``, ``emissions``, ...) are
imported explicitly by the code that needs them, and heavy libraries only inside the
subpackage that uses them.
"""

from importlib.metadata import PackageNotFoundError, version

from smartlogistics.errors import InvalidInputError

try:
    __version__ = version("smartlogistics")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["InvalidInputError", "__version__"]
