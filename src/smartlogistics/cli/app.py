"""Root of the ``smartlogistics`` command and its error boundary.

All bad input, whether caught by the argument parser or by a value object, leaves the
command the same way: one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated

import typer
from pydantic import ValidationError

from smartlogistics import __version__
from smartlogistics.cli.db import db_app
from smartlogistics.cli.demo import demo
from smartlogistics.cli.design import design_app
from smartlogistics.cli.emissions import emissions_app
from smartlogistics.cli.hub import hub_app
from smartlogistics.cli.insight import insight_app
from smartlogistics.cli.plan import plan_app
from smartlogistics.cli.region import region_app
from smartlogistics.cli.serve import serve
from smartlogistics.cli.smartgate import smartgate_app
from smartlogistics.cli.twin import twin_app
from smartlogistics.errors import InvalidInputError
from smartlogistics.values import from_validation_error

__all__ = ["app", "main", "run"]

app = typer.Typer(
    name="smartlogistics",
    help="Smart Logistics Amsterdam: network, emissions, planning, customs screening, data hub.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(region_app, name="region")
app.add_typer(emissions_app, name="emissions")
app.add_typer(plan_app, name="plan")
app.add_typer(design_app, name="design")
app.add_typer(smartgate_app, name="smartgate")
app.add_typer(hub_app, name="hub")
app.add_typer(db_app, name="db")
app.add_typer(twin_app, name="twin")
app.add_typer(insight_app, name="insight")
app.command("demo")(demo)
app.command("serve")(serve)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"smartlogistics {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Smart Logistics Amsterdam command line."""


def _fail(message: str) -> int:
    sys.stderr.write(f"error: {' '.join(message.split())}\n")
    return 2


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``) and return its exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = typer.main.get_command(app)
    try:
        result = command.main(args=args, prog_name="smartlogistics", standalone_mode=False)
    except InvalidInputError as exc:
        return _fail(str(exc))
    except ValidationError as exc:
        return _fail(str(from_validation_error(exc)))
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        return _fail("aborted")
    except typer.TyperException as exc:
        code = exc.exit_code
        _fail(exc.format_message())
        return code if code else 2
    return result if isinstance(result, int) else 0


def main() -> None:
    """Console-script entry point."""
    raise SystemExit(run())
