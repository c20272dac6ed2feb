"""OpenAPI post-processing: every operation documents the errors it can answer with."""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "description": "`detail` with one message, or each field with its list of messages "
    "(in the request's language).",
    "additionalProperties": True,
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def document_errors(result: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
    """Add 400, 401, 403 and 404 where an operation can give them (drf-spectacular lists only
    the success): 400 for a bad parameter or body, 401 without valid credentials, 403 for a
    session write without the CSRF token, 404 for an object that is not the caller's (or does
    not exist) and for a page past the end."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            if parameters or "requestBody" in operation:
                responses.setdefault("400", _error("Invalid parameter or body."))
            responses.setdefault("401", _error("No or invalid credentials."))
            if method in ("post", "put", "patch", "delete"):
                responses.setdefault("403", _error("Session write without the CSRF token."))
            if any(p.get("in") == "path" or p.get("name") == "page" for p in parameters):
                responses.setdefault("404", _error("Not found, not yours, or no such page."))
    return result
