"""The raw endpoint the command path is measured against: token check, one insert, 201.

A minimal FastAPI app under the same server (uvicorn, as ``ssp serve`` runs it) that verifies
the bearer token as the services do and inserts the body with one asyncpg insert-and-commit.
Run as ``python -m bench.raw_endpoint <port> <database>``.
"""

import contextlib
import json
import sys
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import uvicorn
from fastapi import FastAPI, HTTPException, Request

from services.runtime.auth import verify_token
from services.runtime.serve import SERVER_OPTIONS
from services.runtime.settings import ServiceSettings
from services.runtime.tokens import verifier_for

DDL = "CREATE TABLE IF NOT EXISTS raw_commands (id uuid PRIMARY KEY, body jsonb NOT NULL)"


def create_app(db: str) -> FastAPI:
    """The raw app on database ``db`` (the admin role, as the canary's store uses)."""
    verifier = verifier_for(ServiceSettings.for_service("staffing"))
    dsn = ServiceSettings.for_service("selftest", db_name=db).pg_dsn
    pools: dict[str, asyncpg.Pool] = {}

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pools["pg"] = await asyncpg.create_pool(dsn, min_size=16, max_size=16)
        await pools["pg"].execute(DDL)
        yield
        await pools["pg"].close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/schools", status_code=201)
    async def command(request: Request) -> dict[str, Any]:
        """Verify the token, store the body, answer its id."""
        _, _, token = request.headers.get("authorization", "").partition(" ")
        try:
            verify_token(verifier, token)
        except Exception as exc:
            raise HTTPException(401, "bad token") from exc
        body = await request.json()
        new_id = uuid.uuid4()
        await pools["pg"].execute(
            "INSERT INTO raw_commands (id, body) VALUES ($1, $2::jsonb)", new_id, json.dumps(body)
        )
        return {"id": str(new_id)}

    return app


if __name__ == "__main__":
    uvicorn.run(
        create_app(sys.argv[2]),
        host="127.0.0.1",
        port=int(sys.argv[1]),
        **SERVER_OPTIONS,  # the same server as `ssp serve`
    )
