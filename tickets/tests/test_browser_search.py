"""The global search in a real browser: a handler types a word in the top bar and lands on grouped results of its own
department only; a one-character word is explained."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from accounts.tests.factories import valid_uscc
from qiyezhijia.testing import login_as, screenshot
from tickets import workflow

pytestmark = pytest.mark.browser


def ticket(lead, title, content, enterprise, uscc):
    demand, _ = workflow.demand_register(
        actor=User.objects.get(username="spec_fgw"), channel="hotline", title=title, content=content, domain="market",
        enterprise_name=enterprise, enterprise_uscc=uscc, requester_name="刘晓燕", requester_phone="13985300001",
    )
    office = User.objects.get(username="office")
    return workflow.demand_form_ticket(actor=office, demand=demand, category="coordination", lead_department=lead).ticket


def test_a_handler_searches_from_the_top_bar(demo_site, page):
    own = ticket("anshun-scjg", "食品生产许可延续", "新建冷库已投用，申请许可延续时被告知需重新现场核查。",
                 "安顺屯堡食品有限公司", valid_uscc(71))
    other = ticket("anshun-sw", "展会摊位费补贴申领", "冷库配套的展会摊位费补贴迟迟未到账。",
                   "黔中屯堡商贸有限公司", valid_uscc(72))
    login_as(page, demo_site, "handler_scjg")
    box = page.get_by_role("searchbox", name="检索工单、诉求和企业")
    box.fill("冷库")
    box.press("Enter")
    expect(page.get_by_role("heading", name="检索", exact=True)).to_be_visible()
    demands = page.get_by_test_id("search-demands")
    expect(demands).to_contain_text(own.number)  # the demand that says it, with its ticket's number
    expect(page.get_by_test_id("search-results")).not_to_contain_text(other.number)
    expect(page.get_by_test_id("search-demands-count")).to_have_text("1")

    box = page.get_by_role("searchbox", name="检索工单、诉求和企业")
    box.fill("屯堡")
    box.press("Enter")
    expect(page.get_by_test_id("search-tickets")).to_contain_text(own.number)
    expect(page.get_by_test_id("search-tickets-count")).to_have_text("1")
    expect(page.get_by_test_id("search-results")).not_to_contain_text(other.number)
    screenshot(page, "global-search-results")

    box = page.get_by_role("searchbox", name="检索工单、诉求和企业")
    box.fill("屯")
    box.press("Enter")
    expect(page.get_by_test_id("search-error")).to_contain_text(re.compile("至少需要 2 个字符"))
    screenshot(page, "global-search-too-short")
