"""The prepared font: GB2312 complete, TrueType outlines, its own family name, built once."""
import os
from pathlib import Path

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


def test_a_stale_or_foreign_file_is_not_taken_for_the_prepared_font(tmp_path, prepared_fonts, app):
    from grants.pdf.fonts import STYLES, _up_to_date

    source = Path(app.config["PDF_SYSTEM_FONT_DIR"]) / STYLES["Regular"][0]
    built = prepared_fonts[0]
    assert built.style == "Regular" and _up_to_date(built.path, source, "Regular")
    foreign = tmp_path / "GrantsSerifSC-Regular.ttf"
    foreign.write_bytes(b"not a font")
    assert not _up_to_date(foreign, source, "Regular")
    old = tmp_path / "old.ttf"
    old.write_bytes(built.path.read_bytes())
    os.utime(old, (0, 0))  # older than the system font it was built from
    assert not _up_to_date(old, source, "Regular")
