"""Staff-edited clause texts run in the sandbox: tricks are refused with a Chinese message."""
from decimal import Decimal

import pytest

from grants.pdf.contract import (
    DEFAULT_CLAUSES,
    check_clause_text,
    clause_data,
    contract_context,
    demo_contract_data,
    placeholders,
)
from grants.pdf.sandbox import ClauseError, render_clause, validate_clause

NOT_ALLOWED = "条款文本试图使用不允许的内容"


@pytest.fixture
def sample():
    return clause_data(demo_contract_data())


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ supplier.name.__class__ }}",
    "{{ supplier|attr('__class__') }}",
    "{{ '{0.__class__}'.format(supplier.name) }}",
    "{{ self.__init__.__globals__ }}",
    "{{ supplier.name.upper }}",
    "{{ 'x' * 100000000 }}",
    "{{ 9 ** 999999 }}",
])
def test_attribute_tricks_are_refused_with_a_chinese_message(sample, source):
    message = validate_clause(source, sample)
    assert message is not None and message.startswith(NOT_ALLOWED)
    assert "{{ supplier.name }}" in message  # says what may be used instead


def test_the_same_refusal_happens_at_render_time(sample):
    data = demo_contract_data()
    data["clauses"][0]["text"] = "甲方：{{ buyer.name.__class__.__mro__ }}"
    with pytest.raises(ClauseError) as refused:
        contract_context(data)
    assert refused.value.message.startswith(NOT_ALLOWED)


@pytest.mark.parametrize("source, expected", [
    ("由{{ nobody }}负责", "条款文本使用了不存在的占位符"),
    ("{% if supplier.name %}未结束", "条款文本第 1 行有模板语法错误"),
    ("{{ price.amount / 0 }}", "条款文本无法填入数据"),
    ("长" * 20_001, "条款文本过长"),
])
def test_mistakes_get_a_message_that_says_what_is_wrong(sample, source, expected):
    assert validate_clause(source, sample).startswith(expected)


def test_values_and_the_text_itself_are_escaped(sample):
    sample["supplier"]["name"] = '<b onclick="x">某中心</b>'
    out = render_clause('金额<10万元<img src="file:///etc/passwd">，乙方：{{ supplier.name }}', sample)
    assert "<" not in out and "金额&lt;10万元&lt;img" in out
    assert "乙方：&lt;b onclick=&#34;x&#34;&gt;某中心&lt;/b&gt;" in out


def test_placeholders_fill_in_and_the_default_clauses_are_valid(sample):
    assert render_clause("合同金额{{ price.figures }}（{{ price.daxie }}）", sample) == (
        "合同金额¥300,000.00（人民币叁拾万元整）")
    for clause in DEFAULT_CLAUSES:
        assert validate_clause(clause["text"], sample) is None, clause["key"]


def test_the_editor_check_and_the_placeholder_list():
    names = placeholders()
    assert {"supplier.name", "buyer.uscc", "price.daxie", "term.end", "contract.number"} <= set(names)
    assert all("__" not in name for name in names)
    assert check_clause_text("乙方：{{ supplier.name }}") is None
    assert check_clause_text("{{ ''.__class__.__mro__ }}").startswith(NOT_ALLOWED)


def test_only_plain_data_reaches_a_clause(sample):
    sample["buyer"]["user"] = object()
    with pytest.raises(TypeError, match="buyer.user"):
        render_clause("{{ buyer.name }}", sample)
    assert render_clause("{{ n }}{{ d }}", {"n": 3, "d": Decimal("1.50")}) == "31.50"
