"""One way to cut a list into pages, for every screen.

Counting a whole table to say "共 1,000,000 条" costs more than showing its first page, so a list counts at most
`COUNT_LIMIT` rows: past that it says "超过 1000 条" and offers the pages up to there (filters narrow it down).
"""

from functools import cached_property

from django.core.paginator import Paginator

PAGE_SIZE = 20
COUNT_LIMIT = 1000


class BoundedPaginator(Paginator):
    """A paginator whose count reads at most `limit` + 1 rows; `capped` says whether there were more."""

    def __init__(self, object_list, per_page, *, limit: int = COUNT_LIMIT, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.limit = limit

    @cached_property
    def _bounded(self) -> int:
        items = self.object_list
        if isinstance(items, list | tuple):
            return len(items)
        return items.order_by().values("pk")[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._bounded, self.limit)

    @property
    def capped(self) -> bool:
        return self._bounded > self.limit


def paginate(request, queryset, *, param: str = "page", per_page: int = PAGE_SIZE, limit: int = COUNT_LIMIT):
    """A page of `queryset`; an out-of-range or malformed page number shows the nearest valid page.

    `page.elided` lists the page numbers to offer (with … for the gaps); the pager is `core/_pager.html`.
    """
    page = BoundedPaginator(queryset, per_page, limit=limit).get_page(request.GET.get(param))
    page.elided = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    page.ellipsis = Paginator.ELLIPSIS
    return page
