"""HTTP errors: 404 unknown or out of scope, 409 a rule, 412 If-Match, 422 a field."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from domain.errors import DomainError, InvalidRecord, NotFound, StaleVersion


def install(app: FastAPI) -> None:
    """Map the domain's one error hierarchy onto HTTP, naming the rule or the field."""

    @app.exception_handler(InvalidRecord)
    def _invalid(request: Request, error: InvalidRecord) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": [{
            "loc": ["body", *error.field.split(".")], "msg": error.message,
            "type": error.rule}]})

    @app.exception_handler(NotFound)
    def _not_found(request: Request, error: NotFound) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": error.message})

    @app.exception_handler(StaleVersion)
    def _stale(request: Request, error: StaleVersion) -> JSONResponse:
        status = 412 if request.headers.get("if-match") else 409
        return JSONResponse(status_code=status,
                            content={"detail": error.message, "rule": error.rule})

    @app.exception_handler(DomainError)
    def _rule(request: Request, error: DomainError) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": error.message,
                                                      "rule": error.rule})
