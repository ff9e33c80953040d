"""Spot checks in the browser: staff add an inspector, make a draw over the awards in force and
enter a result; a visitor (no login) opens the public draw, re-runs it from its published inputs
and sees that it matches, then tries another nonce and sees that it does not. Screenshots."""
from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db
from grants.models import SpotCheckDraw
from tests.browser.conftest import log_in, log_out
from tests.factories import PASSWORD, create_org, create_user
from tests.factories_finance import create_active_contract
from tests.spotchecks.factories import create_inspectors

ORG_NAMES = ("嘉兴市南湖区阳光社会工作服务中心", "秀洲区邻里互助协会", "平湖市青少年成长中心", "海宁市助残服务社",
             "桐乡市为老服务中心")


def test_staff_draw_and_public_rerun(page, shot):
    page.on("dialog", lambda dialog: dialog.accept())
    staff = create_user("staff", name="陈主任", email="spot-staff@example.org")
    for name in [f"{n}{k}" for k in range(5) for n in ORG_NAMES]:  # 25 awards in force: 2 document checks, 1 on site
        create_active_contract(org=create_org(name=name))
    create_inspectors(5)

    log_in(page, staff.email, PASSWORD)
    page.click("#nav-more summary")  # the staff menu keeps rarely used pages under 更多
    page.click("nav >> text=双随机抽查")
    page.click("#inspector-pool")
    page.fill("#name", "钱晓燕")
    page.fill("#affiliation", "嘉兴学院社会工作系")
    page.click("#inspector-form button[type=submit]")
    assert "已将钱晓燕加入检查人员名录库" in page.inner_text(".flashes")
    shot(page, "spotchecks-01-inspector-pool")

    page.goto(page.base + "/spot-checks/new")
    page.fill("#period", "2026年第四季度")
    page.fill("#nonce", "meeting-1128")
    shot(page, "spotchecks-02-draw-form")
    page.click("#draw-form button[type=submit]")
    assert "抽取完成：共抽中 2 个对象" in page.inner_text(".flashes")
    draw = db.session.scalar(select(SpotCheckDraw))
    assert page.inner_text("#draw-seed") == draw.seed
    assert page.locator("#sample tbody tr").count() == 2
    assert page.locator("#sample .tag").count() == 1  # one on-site check
    shot(page, "spotchecks-03-draw-made")

    page.click("#sample tbody tr:first-child a:has-text('录入检查结果')")
    page.fill("#findings", "服务台账缺两个月的签到表。")
    page.select_option("#rating", "basically_qualified")
    page.check("#rectification_required")
    page.fill("#rectification_due_on", "2026-12-31")
    page.click("#result-form button[type=submit]")
    assert "检查结果已保存并公开" in page.inner_text(".flashes")
    assert "须于 2026-12-31 前整改" in page.inner_text("#item-result")
    log_out(page)

    # a visitor: the public list, the draw, the re-run
    page.goto(page.base + "/")
    page.click("nav >> text=双随机抽查")
    page.click("#draws a:has-text('2026年第四季度')")
    assert page.inner_text("#draw-nonce") == "meeting-1128"
    assert "服务台账缺两个月的签到表。" in page.inner_text("#sample")
    shot(page, "spotchecks-04-public-draw")
    page.click("#rerun-this")
    assert page.input_value("#nonce") == "meeting-1128"
    page.click("#rerun-form button[type=submit]")
    assert "与已公布的抽查2026年第四季度一致" in page.inner_text("#rerun-verdict")
    assert page.inner_text("#rerun-seed") == draw.seed
    shown = [int(t) for t in page.locator("#rerun-sample tbody td.mono").all_inner_texts()]
    assert shown == [i.target_id for i in draw.items]
    shot(page, "spotchecks-05-rerun-matches")
    page.fill("#nonce", "meeting-1129")
    page.click("#rerun-form button[type=submit]")
    assert "没有与这些输入相同的已公布抽查" in page.inner_text("#rerun-verdict")
    shot(page, "spotchecks-06-rerun-other-nonce")
