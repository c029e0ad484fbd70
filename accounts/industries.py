"""The twenty sections (门类) of GB/T 4754-2017 《国民经济行业分类》. Reference data: the migration loads it, the admin lists
it, policies name sections by letter."""

SECTIONS = [
    ("A", "农、林、牧、渔业"),
    ("B", "采矿业"),
    ("C", "制造业"),
    ("D", "电力、热力、燃气及水生产和供应业"),
    ("E", "建筑业"),
    ("F", "批发和零售业"),
    ("G", "交通运输、仓储和邮政业"),
    ("H", "住宿和餐饮业"),
    ("I", "信息传输、软件和信息技术服务业"),
    ("J", "金融业"),
    ("K", "房地产业"),
    ("L", "租赁和商务服务业"),
    ("M", "科学研究和技术服务业"),
    ("N", "水利、环境和公共设施管理业"),
    ("O", "居民服务、修理和其他服务业"),
    ("P", "教育"),
    ("Q", "卫生和社会工作"),
    ("R", "文化、体育和娱乐业"),
    ("S", "公共管理、社会保障和社会组织"),
    ("T", "国际组织"),
]

SECTION_NAMES = dict(SECTIONS)

# The four sectors of entrepreneur meetings (§3.6.3: 工业, 服务业, 旅游业, 农业) by section, for grouping demands.
SECTOR_OF_SECTION = {
    "A": "agriculture",
    "B": "industry", "C": "industry", "D": "industry", "E": "industry",
    "H": "tourism", "R": "tourism",
}


def load_sections(IndustrySection) -> None:
    """Create or rename the sections (idempotent); the migration passes its historical model."""
    for code, name in SECTIONS:
        IndustrySection.objects.update_or_create(code=code, defaults={"name": name})
