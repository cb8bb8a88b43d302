"""Site-wide HTTP rules: how large a request may be, and what may be cached."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control

View = Callable[..., HttpResponse]


def accepts_upload(view: View) -> View:
    """Let a view receive a spreadsheet upload (UPLOAD_REQUEST_MAX_BYTES)
    instead of the small-form limit. Put it outermost, above the permission
    decorators, so the URL resolver returns the marked function."""
    view.accepts_upload = True  # type: ignore[attr-defined]
    return view


def request_body_limit(request: HttpRequest) -> int:
    """The most bytes the body of this request may have."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return settings.REQUEST_MAX_BYTES
    if getattr(match.func, "accepts_upload", False):
        return settings.UPLOAD_REQUEST_MAX_BYTES
    return settings.REQUEST_MAX_BYTES


class RequestSizeLimitMiddleware:
    """Refuse a body larger than its URL allows, from the declared
    Content-Length alone, before Django parses it or spools an upload to disk.

    Django reads no more than Content-Length, so a body without one (chunked)
    is read as empty and needs no check here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > 0:
            limit = request_body_limit(request)
            if length > limit:
                return too_large(request, limit)
        return self.get_response(request)


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    # Rendered without the site's layout: no session or user is loaded yet.
    megabytes = max(1, limit // (1024 * 1024))
    body = render_to_string("413.html", {"megabytes": megabytes}, request=None)
    return HttpResponse(body, status=413)


class NoStoreMiddleware:
    """Pages seen by a logged-in user and every download carry personal data:
    neither the browser nor a proxy may keep a copy (`Cache-Control: no-store`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logged_in = user is not None and user.is_authenticated
        if logged_in or response.has_header("Content-Disposition"):
            patch_cache_control(response, no_store=True, private=True)
        return response
