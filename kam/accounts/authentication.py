"""API authentication by a key whose SHA-256 alone is stored (`Authorization: Token <key>`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from kam.accounts.models import ApiToken, User


class HashedTokenAuthentication(TokenAuthentication):
    """DRF's token header, checked against the stored digest; blocked users are refused."""

    def authenticate_credentials(self, key: str) -> tuple[User, Any]:
        from kam.accounts.services import token_digest

        token = ApiToken.objects.select_related("user").filter(digest=token_digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
