"""API errors: Django ValidationError and Http404 become clean 400/404 JSON, never a 500."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Translate a service's ValidationError into DRF's field-keyed 400."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = ValidationError(detail=detail)
    elif isinstance(exc, ParseError):
        # The parsers' texts are English and technical ("Multipart form parse error - …").
        exc = ParseError(
            _(
                "The request body cannot be read: send a JSON object with Content-Type: "
                "application/json."
            )
        )
    elif isinstance(exc, Http404):
        # get_object_or_404's text is English and names the model ("No Client matches the
        # given query."): answer DRF's translated "Not found." whatever was not found.
        exc = NotFound()
    return drf_exception_handler(exc, context)
