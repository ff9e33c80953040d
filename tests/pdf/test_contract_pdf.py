"""The demo 政府购买服务合同, rendered once for the module and read back with pypdf."""
import pytest

from grants.pdf import PDFFetcher, font_dir
from grants.pdf.contract import DEFAULT_CLAUSES, demo_contract_data, render_contract
from tests.pdf.conftest import embedded_fonts, page_texts, pdf_text


@pytest.fixture(scope="module")
def rendered(app, prepared_fonts):
    fetcher = PDFFetcher(font_dir())
    data = demo_contract_data(base_url="https://gy.jiaxing.example")
    return data, render_contract(data, fetcher=fetcher), fetcher


@pytest.fixture(scope="module")
def text(rendered):
    return pdf_text(rendered[1])


def test_parties_with_their_uscc_and_bank_details(text):
    for expected in ("甲方（购买主体）嘉兴市民政局", "11330400002586130C",
                     "乙方（承接主体）嘉兴市南湖区堃𠮷社会工作服务中心", "52330402MJ8888888N",
                     "中国工商银行嘉兴南湖支行", "1204060109001234567", "JXGY-2026-0001"):
        assert expected in text


def test_price_in_figures_and_in_capitals(text):
    assert "本合同价款为：¥300,000.00（大写：人民币叁拾万元整）" in text


def test_every_tranche_row_adds_up(text):
    assert "第一期30%¥90,000.00合同签订后10个工作日内" in text
    assert "第二期40%¥120,000.00中期评估合格后10个工作日内" in text
    assert "第三期30%¥90,000.00末期验收合格后10个工作日内" in text
    assert "合计100%¥300,000.00" in text


def test_every_article_heading_the_kpi_table_and_the_term(text):
    for heading in ("服务内容", "服务数量与质量标准", "服务期限", "合同价款", "付款方式"):
        assert heading in text
    for clause in DEFAULT_CLAUSES:
        assert clause["heading"] in text
    for required in ("绩效目标与验收", "资金专账核算", "保密与信息公开", "合同变更与解除", "违约责任",
                     "争议解决", "不可抗力", "合同份数与生效"):
        assert required in text
    # Placeholders of the clause texts were filled in by the sandbox.
    assert "本合同一式四份，甲乙双方各执二份" in text
    assert "乙方应当支付合同金额10%的违约金，即¥30,000.00" in text
    assert "2入户探访2,400人次每位老人每月不少于一次" in text
    assert "6服务对象满意度90%由第三方随机抽样调查" in text
    assert "本合同服务期限为十二个月，自2026年5月1日起至2027年4月30日止" in text


def test_verification_code_and_link_on_the_contract(text):
    assert "7KQ3-M9XD-2PFA" in text
    assert "https://gy.jiaxing.example/verify/7KQ3-M9XD-2PFA" in text


def test_five_pages_each_numbered_with_the_total_and_the_code(rendered):
    pages = page_texts(rendered[1])
    assert len(pages) == 5
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页共5页" in page
        assert "验证码：7KQ3-M9XD-2PFA" in page
    assert "甲方（盖章）" in pages[-1] and "乙方（盖章）" in pages[-1]


def test_rare_characters_print_from_the_system_font(rendered, text):
    assert "堃𠮷社会工作服务中心" in text and "法定代表人陈堃" in text
    fonts = embedded_fonts(rendered[1])
    # Most text is in the prepared subset; 堃 and 𠮷 are not in GB2312, so the full system
    # font is embedded for them (a .notdef box would need no second font).
    assert {"Grants-Serif-SC", "Grants-Serif-SC-Bold"} <= fonts
    assert any(name.startswith("Noto-Serif-CJK-SC") for name in fonts)


def test_nothing_was_fetched_but_the_prepared_fonts(rendered):
    fetcher = rendered[2]
    assert fetcher.refused == []
    assert sorted(fetcher.asked) == ["grants-font:GrantsSerifSC-Bold.ttf",
                                     "grants-font:GrantsSerifSC-Regular.ttf"]
