"""Masking in blind review works on normalised text: an identifier typed with spaces, hyphens,
dots, zero-width characters, full-width digits or another case is still found, and only its own
span of the text is replaced. Identifiers and spellings are generated (hypothesis)."""
from __future__ import annotations

import unicodedata
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from grants.extensions import db
from grants.services import redaction
from grants.services.redaction import MASK, Masker, identifiers, normalised
from tests.factories import create_applicant, create_call, create_org, create_proposal, create_user
from tests.factories_reviews import cleared
from tests.reviews.spellings import SEPARATORS, grouped, spellings

SETTINGS = settings(max_examples=150, deadline=None)

PREFIXES = ("嘉兴市", "嘉兴市南湖区", "浙江省嘉兴市", "海宁市", "嘉善县", "南湖区", "浙江省嘉兴市秀洲区")
CORE = "阳光春晖益心德仁爱彩虹向日葵绿洲同馨悦美"
SUFFIXES = ("社会工作服务中心", "公益服务社", "志愿者协会", "慈善基金会", "养老服务中心")
PEOPLE = "欧阳司马诸葛明辉晓兰建国秀英"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Text around identifiers: no character of any identifier, no digits or Latin letters.
AROUND = "项目活动开展关爱儿童的在了与和为期本由负责联系电话实施，。：；！？“”"

digits = st.text("0123456789", min_size=1, max_size=1)


@st.composite
def organisations(draw):
    prefix = draw(st.sampled_from(PREFIXES))
    core = draw(st.text(CORE, min_size=2, max_size=5))
    suffix = draw(st.sampled_from(SUFFIXES))
    area = draw(st.sampled_from(("0573", "0571", "0574", "021", "010")))
    subscriber = (draw(st.text("123456789", min_size=1, max_size=1))
                  + draw(st.text("0123456789", min_size=6, max_size=7)))
    return SimpleNamespace(
        name=prefix + core + suffix,
        short_name=core + draw(st.sampled_from(("社工", "公益", "志愿"))),
        uscc="5" + draw(st.text(USCC_ALPHABET, min_size=17, max_size=17)),
        legal_representative=draw(st.text(PEOPLE, min_size=2, max_size=4)),
        contact_name=draw(st.text(PEOPLE, min_size=3, max_size=4)),
        contact_phone=draw(st.sampled_from((f"{area}-{subscriber}", f"{area}{subscriber}", f"({area}){subscriber}",
                                            "1" + draw(st.text("3456789", min_size=1, max_size=1))
                                            + draw(st.text("0123456789", min_size=9, max_size=9))))),
        contact_email=draw(st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8)) + "@example.org",
        bank_account=draw(st.text("0123456789", min_size=16, max_size=19)),
        address=prefix + draw(st.text(CORE, min_size=2, max_size=3)) + "路" + draw(st.text("123456789", min_size=1,
                                                                                         max_size=3)) + "号",
        _core=core + suffix,
        _area=area,
    )


def written_forms(org):
    """How each identifier turns up in a proposal: as registered, and the ways people shorten it."""
    phone_digits = "".join(ch for ch in org.contact_phone if ch.isdigit())
    forms = [org.name, org._core, org.short_name, org.uscc, grouped(org.uscc, 4), org.legal_representative,
             org.contact_name, org.contact_phone, phone_digits, grouped(phone_digits, 4), org.contact_email,
             org.bank_account, grouped(org.bank_account, 4), org.address]
    if phone_digits.startswith("0"):
        forms.append(phone_digits[len(org._area):])                       # without the area code
        forms.append("+86 " + phone_digits[1:])
    return forms


@st.composite
def case(draw):
    org = draw(organisations())
    form = draw(st.sampled_from(written_forms(org)))
    return org, draw(spellings(form)), draw(st.text(AROUND, max_size=12)), draw(st.text(AROUND, max_size=12))


@SETTINGS
@given(case())
def test_an_identifier_in_any_spelling_is_masked_and_nothing_else(data):
    org, spelled, before, after = data
    masked = Masker(identifiers(org)).mask(before + spelled + after)
    # separators at either end of what was typed (the brackets of "(0573)…") are not part of it
    start = next(i for i, ch in enumerate(spelled) if normalised(ch))
    end = max(i for i, ch in enumerate(spelled) if normalised(ch)) + 1
    while end < len(spelled) and unicodedata.combining(spelled[end]):   # an accent belongs to its letter
        end += 1
    assert masked == before + spelled[:start] + MASK + spelled[end:] + after


@SETTINGS
@given(organisations(), st.text(AROUND + "".join(SEPARATORS), max_size=60))
def test_text_without_identifiers_is_left_alone(org, text):
    assert Masker(identifiers(org)).mask(text) == text


@SETTINGS
@given(organisations(), st.data())
def test_no_identifier_survives_anywhere_in_any_text(org, data):
    """Arbitrary text (any Unicode) with identifiers spliced in at random places, in random
    spellings: after masking, no identifier is left, even after normalising the output."""
    forms = written_forms(org)
    pieces = []
    for _ in range(data.draw(st.integers(1, 4))):
        pieces.append(data.draw(st.text(max_size=15)))
        pieces.append(data.draw(spellings(data.draw(st.sampled_from(forms)))))
    pieces.append(data.draw(st.text(max_size=15)))
    masker = Masker(identifiers(org))
    result = normalised(masker.mask("".join(pieces)))
    for needle in masker.needles:
        assert needle not in result


def test_city_prefixes_are_stripped_but_not_into_generic_words():
    org = SimpleNamespace(name="浙江省嘉兴市南湖区阳光社会工作服务中心", short_name=None, uscc=None,
                          legal_representative=None, contact_name=None, contact_phone=None, contact_email=None,
                          bank_account=None, address=None)
    masker = Masker(identifiers(org))
    assert masker.mask("由南湖区阳光社会工作服务中心与阳光社会 工作服务中心实施") == f"由{MASK}与{MASK}实施"
    community = SimpleNamespace(**{**vars(org), "name": "嘉兴市阳光社区服务中心"})
    masked = Masker(identifiers(community)).mask("阳光社区服务中心在其他服务中心开展活动")
    assert masked == f"{MASK}在其他服务中心开展活动"   # "服务中心" alone is not an identifier


def test_the_mask_keeps_the_text_around_it():
    org = SimpleNamespace(name="嘉兴市阳光社会工作服务中心", short_name="阳光社工", uscc="52330400MJ0000001X",
                          legal_representative="欧阳明辉", contact_name="司马晓兰", contact_phone="0573-82345678",
                          contact_email="sun@example.org", bank_account="6217000011112222",
                          address="嘉兴市南湖区东栅路1号")
    text = ("阳 光 社 工负责人欧阳明辉，电话：０５７３ ８２３４ ５６７８（或 82345678），"
            "代码 5233 0400 mj00 0000 1x，账号 6217-0000-1111-2222，邮箱 SUN@Example.org。")
    assert Masker(identifiers(org)).mask(text) == (
        f"{MASK}负责人{MASK}，电话：{MASK}（或 {MASK}），代码 {MASK}，账号 {MASK}，邮箱 {MASK}。")


# -- who sees what -----------------------------------------------------------------------------
def test_redaction_depends_on_the_call_and_the_viewer(app):
    org = create_org(name="嘉兴市阳光社会工作服务中心")
    blind = create_proposal(create_call(status="closed", blind_review=True), org, status="screened_in",
                            title="嘉兴市阳光社会工作服务中心银龄项目")
    open_call = create_proposal(create_call(status="closed", blind_review=False), org, status="screened_in",
                                title="嘉兴市阳光社会工作服务中心助残项目")
    reviewer = cleared(blind)
    cleared(open_call, reviewer)
    staff = create_user("staff")
    member = create_applicant(org)
    both = create_user("staff", "reviewer")
    db.session.commit()
    assert redaction.for_viewer(reviewer, blind).title == f"{MASK}银龄项目"
    assert redaction.for_viewer(reviewer, blind).organisation_name is None
    assert redaction.for_viewer(reviewer, open_call).title == "嘉兴市阳光社会工作服务中心助残项目"
    assert redaction.for_viewer(reviewer, open_call).organisation_name == org.name
    for viewer in (staff, member, both):     # they read the proposal unmasked on its own page anyway
        assert redaction.for_viewer(viewer, blind).title == "嘉兴市阳光社会工作服务中心银龄项目"
    assert redaction.for_viewer(reviewer, blind).attachment_names() == {}
