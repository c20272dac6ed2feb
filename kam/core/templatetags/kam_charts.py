"""`{% chart_scripts %}`: the plotly bundle and static/kam/charts.js, for a page with charts."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kam.core.staticfinders import bundle_path

register = template.Library()


@register.simple_tag
def chart_scripts() -> SafeString:
    return format_html(
        '<script src="{}" defer></script><script src="{}" defer></script>',
        static(bundle_path()),
        static("kam/charts.js"),
    )
