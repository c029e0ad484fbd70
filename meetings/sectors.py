"""The four sectors of an entrepreneur meeting (seed §3.6.3: 工业, 服务业, 旅游业, 农业), from the enterprise's industry
section (GB/T 4754-2017, accounts.IndustrySection).

The section → sector mapping is kept in one place, accounts.industries.SECTOR_OF_SECTION (A → 农业; B–E → 工业;
H 住宿和餐饮业, R 文化、体育和娱乐业 → 旅游业); every other section is a service trade (服务业). A demand whose
enterprise names no section (or an anonymous demand) is 未注明行业.
"""

from __future__ import annotations

from accounts.industries import SECTIONS, SECTOR_OF_SECTION

INDUSTRY = "industry"
SERVICES = "services"
TOURISM = "tourism"
AGRICULTURE = "agriculture"
UNKNOWN = "unknown"

SECTORS = [(INDUSTRY, "工业"), (SERVICES, "服务业"), (TOURISM, "旅游业"), (AGRICULTURE, "农业")]
SECTOR_LABELS = {**dict(SECTORS), UNKNOWN: "未注明行业"}


def sector_of(section_code: str | None) -> str:
    if not section_code:
        return UNKNOWN
    return SECTOR_OF_SECTION.get(section_code, SERVICES)


def sections_of(sector: str) -> list[str]:
    """The section letters of a sector (for a query on the enterprise's industry)."""
    return [code for code, _name in SECTIONS if sector_of(code) == sector]
