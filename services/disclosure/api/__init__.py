"""HTTP commands and queries of the disclosure service."""

from services.disclosure.api.commands import router as commands_router
from services.disclosure.api.queries import router as queries_router
from services.disclosure.api.subjects import router as subjects_router

routers = [commands_router, queries_router, subjects_router]
