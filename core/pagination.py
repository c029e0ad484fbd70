"""One way to cut a list into pages, for every screen."""

from django.core.paginator import Paginator

PAGE_SIZE = 20


def paginate(request, queryset, *, param: str = "page", per_page: int = PAGE_SIZE):
    """A page of `queryset`; an out-of-range or malformed page number shows the nearest valid page.

    `page.elided` lists the page numbers to offer (with … for the gaps); the pager is `core/_pager.html`.
    """
    page = Paginator(queryset, per_page).get_page(request.GET.get(param))
    page.elided = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    page.ellipsis = Paginator.ELLIPSIS
    return page
