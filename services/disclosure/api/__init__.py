"""HTTP commands and queries of the disclosure service."""

from services.disclosure.api.commands import router as commands_router
from services.disclosure.api.lists import router as lists_router
from services.disclosure.api.queries import router as queries_router
from services.disclosure.api.subjects import router as subjects_router

# The lists first: their fixed paths would otherwise be read as /requests/{request_id}.
routers = [lists_router, commands_router, queries_router, subjects_router]
