"""Reading a history table from CSV: every value as text, nothing guessed by the reader.

The model infers column kinds itself (:mod:`~smartlogistics.smartgate.model.spec`), so
the reader must not: pandas would turn the HS code ``"080450"`` into the number 80450
and lose the leading zero that makes it a code. Empty cells are missing values.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from smartlogistics.errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["file_sha256", "read_table"]


def read_table(path: str | Path, *, field: str = "--data") -> pd.DataFrame:
    """Read a CSV file with a header row; all values as strings, empty cells missing.

    Raises
    ------
    InvalidInputError
        ``--data: no such file: ...``, an empty file or a CSV that does not parse.
    """
    import pandas as pd

    source = Path(path)
    if not source.is_file():
        raise InvalidInputError(field, f"no such file: {source}")
    try:
        df = pd.read_csv(
            source,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=False,
        )
    except pd.errors.EmptyDataError:
        raise InvalidInputError(field, f"{source} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInputError(field, f"{source} is not a readable CSV: {first}") from None
    df.columns = [str(c).strip() for c in df.columns]
    duplicated = df.columns[df.columns.duplicated()].tolist()
    if duplicated:
        raise InvalidInputError(field, f"column {duplicated[0]!r} appears twice")
    return df


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (the training-data hash of an artifact)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
