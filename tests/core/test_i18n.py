

from grants import i18n


def test_every_message_has_a_chinese_translation():
    missing = i18n.missing("zh_CN")
    listing = "\n".join(f"{where[0]}: {msgid}" for msgid, where in sorted(missing.items()))
    assert not missing, f"{len(missing)} message(s) without zh_CN translation:\n{listing}"


def test_no_catalog_is_marked_fuzzy_or_empty():
    found = list(i18n.catalogs("zh_CN"))
    assert found
    for path, catalog in found:
        assert not catalog.fuzzy, f"{path}: header is fuzzy, pybabel would skip the whole catalog"
        assert len(catalog) > 0


def test_placeholders_match_between_english_and_chinese():
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]")
    for path, catalog in i18n.catalogs("zh_CN"):
        for message in catalog:
            if not message.id or not message.string:
                continue
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            msgstr = message.string[0] if isinstance(message.string, tuple) else message.string
            assert set(pattern.findall(msgid)) == set(pattern.findall(msgstr)), (path, msgid, msgstr)


def test_pages_render_in_chinese_by_default_and_english_on_request(client):
    assert "注册社会组织" in client.get("/").get_data(as_text=True)
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert "Register an organisation" in page and "注册社会组织" not in page
    client.post("/lang/zh_CN", data={"next": "/"})
    assert "注册社会组织" in client.get("/").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    client.post("/lang/xx", data={"next": "https://evil.example/"})
    response = client.get("/")
    assert "注册社会组织" in response.get_data(as_text=True)


def test_every_message_is_written_in_english_so_the_english_interface_is_complete():
    import re

    chinese_only = [f"{where[0]}: {msgid}" for msgid, where in i18n.extracted().items()
                    if not re.search(r"[A-Za-z]", re.sub(r"%\(\w+\)[sd]", "", msgid))]
    assert not chinese_only, "messages with no English text:\n" + "\n".join(chinese_only)
