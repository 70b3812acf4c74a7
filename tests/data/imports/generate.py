"""Writes the ledger fixtures of tests/imports — run once, the files are committed.

    .venv/bin/python tests/data/imports/generate.py

They are small on purpose, and messy the way stations' files are: titles and merged cells above the header,
blank rows, full-width digits, Excel serial dates, GBK, a BOM, traditional characters, invalid phones and IDs.
"""

import csv
import datetime as dt
import sys
from pathlib import Path

import openpyxl
import xlwt

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent.parent))
from fengqiao.lib.idnumber import check_char  # noqa: E402

VALID_ID = "13018119900101123" + check_char("13018119900101123")
# A valid number written with a lower-case x: its check character must be X.
_X_BODY = next(f"13018119850301{n:03d}" for n in range(1000) if check_char(f"13018119850301{n:03d}") == "X")
VALID_ID_LOWER_X = _X_BODY + "x"
BAD_CHECKSUM_ID = VALID_ID[:17] + ("1" if VALID_ID[17] != "1" else "2")


def messy_xlsx(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "7月接处警"
    sheet.append(["鹿城派出所2024年7月接处警台账"])
    sheet.merge_cells("A1:N1")
    sheet.append(["导出时间：2024-08-01　导出人：王晓建"])
    sheet.merge_cells("A2:N2")
    sheet.append([])
    sheet.append(["序号", "接警单编号", "接警时间", "报警人姓名", "报警电话", "身份证号", "案发地址", "警情类型",
                  "报警内容", "处警民警", "处理结果", "经度", "纬度", "天气"])  # fmt: skip
    rows = [
        # row 5: an Excel serial number as the time (no date format), phone with spaces, ID with a lower-case x
        [1, "JJ20240706001", 45479.836805555555, "张三", "138 1234 5678", VALID_ID_LOWER_X, "华丽社区3号楼2单元501室",
         "邻里纠纷", "楼上漏水，楼下天花板渗水", "赵民警", "已调解", 115.215, 37.95, "雨"],
        # row 6: full-width digits in the call number and address, a real date cell, +86 phone, category by code
        [2, "JJ２０２４０７０６００２", dt.datetime(2024, 7, 6, 20, 40), "李四", "+86 139-1234-5678", "",
         "东港豪庭５号楼", "0104", "电动车在楼下被盗", "", "", None, None, "晴"],
        None,  # row 7: blank
        # row 8: Chinese written time; invalid phone, invalid ID, unknown category — three warnings, imported
        [3, "JJ20240706003", "2024年7月6日21时30分", "王五", "12345", BAD_CHECKSUM_ID, "中山东路18号",
         "奇怪的类别", "老人称钱包遗失", "", "", None, None, ""],
        # row 9: no call number — rejected
        [4, None, "2024/7/6 21:45", "赵六", "13912345678", "", "华丽社区", "其它求助", "求助", "", "", None, None, ""],
        # row 10: a time that is no time — rejected
        [5, "JJ20240706005", "昨天晚上", "钱七", "", "", "华丽社区", "其它求助", "求助", "", "", None, None, ""],
        # row 11: neither address nor description — rejected
        [6, "JJ20240706006", "20240706220500", "孙八", "", "", "", "其它求助", "", "", "", None, None, ""],
        # row 12: the same call as row 5 again — already present
        [7, "JJ20240706001", 45479.836805555555, "张三", "138 1234 5678", "", "华丽社区3号楼2单元501室",
         "邻里纠纷", "楼上漏水", "", "", None, None, ""],
        # row 13: traditional characters in the category; a phone without a name — one warning
        [8, "JJ20240706008", "2024/7/6 23:05", "", "13812345678", "", "华丽社区7号楼", "鄰里糾紛",
         "兩家因停車發生口角", "", "", None, None, ""],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row or [])
    book.save(path)


def old_xls(path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    sheet.write_merge(0, 0, 0, 5, "泊镇派出所接警登记")
    when = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm")
    for column, name in enumerate(["警情编号", "报警时间", "报警人", "联系电话", "发生地址", "简要警情"]):
        sheet.write(1, column, name)
    rows = [
        ["B001", dt.datetime(2024, 3, 1, 8, 30), "周一", "13700001111", "泊镇商贸城", "商户称门锁被撬"],
        ["B002", dt.datetime(2024, 3, 1, 9, 15), "吴二", "0311-87654321", "泊镇中学", "学生走失"],
        ["B003", None, "郑三", "", "泊镇大桥", "桥上有人徘徊"],  # no time — rejected
    ]
    for offset, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write(2 + offset, column, value, when)
            elif value is not None:
                sheet.write(2 + offset, column, value)
    book.save(str(path))


GBK_ROWS = [
    ["警情编号", "报警时间", "报警人", "联系电话", "身份证号", "发生地址", "警情类别", "简要警情", "处警单位"],
    ["G001", "2024-07-06 20:05:00", "刘强", "13812345678", VALID_ID, "华丽社区", "家庭纠纷", "夫妻吵架", "鹿城派出所"],
    ["G002", "2024/7/6 20:35", "陈静", "138-1234-567", "", "华丽社区", "噪声扰民", "深夜装修", "鹿城派出所"],
    ["", "2024/7/6 21:00", "林芳", "", "", "华丽社区", "其它求助", "求助", ""],
    [],
    ["G004", "2024/7/6 22:00", "何军", "", "", "", "交通事故", "两车刮蹭", "鹿城派出所"],
]  # fmt: skip
BOM_ROWS = [
    ["Call number", "Reported at", "Caller", "Phone", "ID number", "Address", "Category", "Description",
     "Weather"],
    ["E001", "2024-07-06T20:05:00+08:00", "Li Lei", "+8613812345678", "", "华丽社区1号楼", "0205",
     "Neighbours quarrel", "rain"],
    ["E002", "2024-07-06 21:05", "Han Meimei", "", "130181abc", "华丽社区2号楼", "Theft", "Bicycle stolen", ""],
]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)


def bad_files() -> None:
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "picture.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (HERE / "no_header.csv").write_text("这是一封信\n不是台账\n谢谢\n", encoding="utf-8")
    (HERE / "broken.xlsx").write_bytes(b"PK\x03\x04" + b"not really a zip" * 20)


if __name__ == "__main__":
    messy_xlsx(HERE / "ledger_2024_07.xlsx")
    old_xls(HERE / "bozhen_2024_03.xls")
    write_csv(HERE / "calls_gbk.csv", GBK_ROWS, "gbk")
    write_csv(HERE / "calls_utf8_bom.csv", BOM_ROWS, "utf-8-sig")
    bad_files()
