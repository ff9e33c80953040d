"""The prepared font: GB2312 complete, TrueType outlines, its own family name, built once."""
from fontTools.ttLib import TTFont

from grants.pdf.fonts import PREPARED_FAMILY, charset


def gb2312_points() -> set[int]:
    """Every character of GB2312, by encoding each 2-byte code and decoding it."""
    points = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return points


def test_the_charset_covers_all_of_gb2312_and_the_contract_symbols():
    points = charset()
    assert len(gb2312_points()) == 7445  # 6,763 hanzi + 682 other characters
    assert gb2312_points() <= points
    for ch in "¥￥〇零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整，。、；：（）《》“”—…0aZ%":
        assert ord(ch) in points, ch
    assert ord("堃") not in points and ord("𠮷") not in points


def test_the_prepared_font_has_truetype_outlines_for_every_character(prepared_fonts):
    for built in prepared_fonts:
        font = TTFont(built.path, lazy=True)
        assert "glyf" in font and "CFF " not in font
        assert font["name"].getDebugName(1) == PREPARED_FAMILY
        cmap = font.getBestCmap()
        assert gb2312_points() <= set(cmap)
        for ch in "政府购买服务合同人民币壹拾万元整¥〇":
            glyph = font["glyf"][cmap[ord(ch)]]
            assert glyph.numberOfContours != 0, ch  # drawn, not an empty box
        font.close()


def test_fonts_build_skips_fonts_newer_than_their_source(app, prepared_fonts, runner):
    result = runner.invoke(args=["fonts", "build"])
    assert result.exit_code == 0, result.output
    assert "Regular:" in result.output and "(up to date)" in result.output
    assert "(built)" not in result.output


def test_a_missing_system_font_stops_the_build_with_the_install_command(tmp_path, runner, app):
    app.config["PDF_SYSTEM_FONT_DIR"], saved = str(tmp_path / "none"), app.config["PDF_SYSTEM_FONT_DIR"]
    try:
        result = runner.invoke(args=["fonts", "build"])
    finally:
        app.config["PDF_SYSTEM_FONT_DIR"] = saved
    assert result.exit_code == 1
    assert "apt-get install fonts-noto-cjk" in result.output
