"""``smartlogistics hub``: the ONE Record data hub (development tokens so far)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from smartlogistics.cli._output import print_json
from smartlogistics.cli.region import JsonFlag

__all__ = ["hub_app"]

hub_app = typer.Typer(help="ONE Record 2.3 data hub.", no_args_is_help=True)


@hub_app.command("token")
def token(
    agent: Annotated[
        str,
        typer.Option("--agent", help="logistics_agent_uri of the token (absolute http(s) URI)."),
    ],
    ttl: Annotated[int, typer.Option("--ttl", help="Lifetime in seconds.")] = 3600,
    issuer: Annotated[
        str | None,
        typer.Option("--issuer", help="The 'iss' claim (default the development issuer)."),
    ] = None,
    audience: Annotated[
        str | None, typer.Option("--audience", help="An 'aud' claim to include.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Mint a development ID token signed with the key under ./var/ (ES256).

    A hub verifies it with SMARTLOGISTICS_OIDC_JWKS=var/hub/dev-signing-key.jwks.json and
    the issuer in SMARTLOGISTICS_OIDC_ISSUERS. For demos and tests only.
    """
    from smartlogistics.config import get_settings
    from smartlogistics.errors import InvalidInputError
    from smartlogistics.hub.security import DEV_ISSUER, check_agent_uri, dev_signing_key, mint_token

    try:
        check_agent_uri(agent, "agent")
    except InvalidInputError as exc:
        raise typer.BadParameter(exc.problem, param_hint="--agent") from None
    if ttl <= 0:
        raise typer.BadParameter(f"must be greater than 0, got {ttl}", param_hint="--ttl")
    key = dev_signing_key(get_settings())
    now = int(datetime.now(UTC).timestamp())
    minted = mint_token(
        agent, ttl_s=ttl, issuer=issuer or DEV_ISSUER, key=key, audience=audience, now=now
    )
    if as_json:
        expires = datetime.fromtimestamp(now + ttl, UTC).isoformat().replace("+00:00", "Z")
        print_json({"token": minted, "expires_at": expires, "agent": agent})
        return
    typer.echo(minted)
