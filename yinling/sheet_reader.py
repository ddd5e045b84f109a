"""Reading an uploaded table (.xlsx or .csv) without trusting it: the roster and study imports read here.

A small upload can unpack to a huge one (a 207 KB .xlsx once took 2.6 GB; 150 KB of blank rows took
34 s of CPU), so every limit is checked before the work it guards, and the first one passed refuses
the file with a `TableFileError` saying, in Chinese, what was too big (the API answers 422):

- An .xlsx is a zip of XML. Before openpyxl opens it, its zip directory is checked: at most
  MAX_MEMBERS members (the directory's size is read from its end record before zipfile makes an
  object of each entry); each unpacks to at most MAX_PART_BYTES, all together to MAX_UNPACKED_BYTES;
  a member over 1 MB that unpacks more than MAX_RATIO times its packed size is a zip bomb. Python's
  zipfile never unpacks a member past the size its directory declares (it fails the CRC instead), so
  these figures also bound what is read later. A member that holds XML (told by its first bytes, not
  its name: openpyxl opens whatever part a link names) unpacks to at most MAX_SMALL_PART_BYTES unless
  it is a worksheet (xl/worksheets/*.xml) or the shared strings, which are streamed.
- Every XML part is then unpacked once, a chunk at a time, and counted with C-speed bytes and regex
  calls (~0.6 s for a full 26 MB roster sheet, which openpyxl then takes ~5 s to read): at most
  MAX_ROW_ELEMENTS rows in all (blank ones included: openpyxl's streaming parser keeps every row
  element it passed, emptied, so their number is what its memory grows with; and without a
  <dimension> it parses a whole sheet while opening the file), MAX_SHARED_STRINGS shared strings,
  MAX_TAGS_TOGETHER elements in one row or one shared string (the parser holds those at once),
  MAX_OTHER_ELEMENTS elements that are neither rows nor cell contents (styles, merged cells,
  conditional formats: openpyxl builds and keeps an object of each), and no run of text between two
  tags longer than MAX_TEXT_RUN bytes.
- Rows are then streamed: openpyxl in read-only mode, values only, the sheet's declared size ignored
  and only the first MAX_COLUMNS + 1 columns asked for (so a row with a stray cell at column XFD costs
  61 values, not 16384). A value in column MAX_COLUMNS + 1 refuses the file; columns beyond it are
  never read. A CSV is read by the csv module, a record at a time, with the same limits.
- Every table: at most MAX_COLUMNS columns, MAX_CELL_CHARS characters in a cell, MAX_LINES rows (the
  last row Excel has). The caller sets how many data rows it takes (the roster 20,000, study pieces
  2,000) and reading stops at the first row over.
- Blank rows are not data: skipped (an all-None row without a look at its cells) and not counted.
  In a CSV, once MAX_ROW_ELEMENTS records are read, the rest is accepted only if it is blank (checked
  in one regex pass, not parsed); in an .xlsx, blank row elements count toward MAX_ROW_ELEMENTS (see
  above), while rows a sheet skips (<row r="1000">) cost no memory and are counted as lines only.
"""
from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Sequence

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

MAX_COLUMNS = 60
MAX_CELL_CHARS = 2000
MAX_LINES = 1_048_576  # Excel's last row
MAX_ROW_ELEMENTS = 200_000  # rows in a file, blank ones included
MAX_MEMBERS = 500
MAX_PART_BYTES = 64 << 20  # a full roster of 20,000 rows written by openpyxl is ~26 MB
MAX_SMALL_PART_BYTES = 4 << 20
MAX_UNPACKED_BYTES = 128 << 20
MAX_RATIO = 100  # spreadsheet XML packs 5-30 times; a bomb, hundreds or thousands
MAX_SHARED_STRINGS = 500_000
MAX_TEXT_RUN = 128 << 10  # Excel's longest cell (32,767 characters) in UTF-8, with room for escapes
MAX_TAGS_TOGETHER = 50_000  # XML elements in one row or one shared string (Excel: 16,384 cells a row)
MAX_OTHER_ELEMENTS = 50_000  # elements of the XML parts that are not rows or cells (styles, merged cells ...)
_CENTRAL_DIRECTORY_MAX = 512 << 10  # read before zipfile makes an object of each entry
_CHUNK = 1 << 20
_MB = 1 << 20

Rows = list[tuple[int, Sequence[object]]]  # (the line a person sees, cell values); blank rows left out
ONLY_XLSX_OR_CSV = "只支持 .xlsx 或 .csv 文件"
DAMAGED = "无法读取这个 Excel 文件，文件可能已损坏；请用 Excel 打开后另存为 .xlsx 再上传"
TIDY = "请删除多余的空行、空列后另存再上传"
COPY = "请把要导入的表格复制到一个新建的 Excel 文件，另存后再上传"


class TableFileError(ValueError):
    """The file as a whole is unusable; the message is for office staff."""


def whitespace_blank(values: Sequence[object]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def read_table(filename: str, data: bytes, *, max_rows: int, too_many: str, allowed: str = ONLY_XLSX_OR_CSV,
               is_blank: Callable[[Sequence[object]], bool] = whitespace_blank) -> Rows:
    """The non-blank rows of an .xlsx (its first sheet) or .csv file, with the line a person sees.
    More than `max_rows` of them: TableFileError(too_many). `allowed` is what to say of any other
    kind of file; `is_blank` may see more rows as blank (placeholders such as 无)."""
    name = filename.strip().lower()
    if not name.endswith((".xlsx", ".csv")):
        raise TableFileError(allowed)
    if not data:
        raise TableFileError("文件是空的，没有找到任何内容")
    rows = _Collector(max_rows, too_many, is_blank)
    if name.endswith(".xlsx"):
        _read_xlsx(data, rows)
    else:
        _read_csv(data, rows)
    return rows.kept


class _Collector:
    def __init__(self, max_rows: int, too_many: str, is_blank: Callable[[Sequence[object]], bool]) -> None:
        self.kept: Rows = []
        self.max_rows, self.too_many, self.is_blank = max_rows, too_many, is_blank

    def add(self, line: int, values: Sequence[object]) -> None:
        """A row with a value in it (the caller dropped all-None rows already)."""
        width = len(values)
        while width and values[width - 1] is None:
            width -= 1
        if width > MAX_COLUMNS:
            if whitespace_blank(values[MAX_COLUMNS:]):
                width = MAX_COLUMNS
            else:
                raise TableFileError(f"表格的列数太多：第 {line} 行超过 {MAX_COLUMNS} 列；{TIDY}")
        values = values[:width]
        for column, value in enumerate(values, start=1):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise TableFileError(f"第 {line} 行 {get_column_letter(column)} 列的内容太长（{len(value)} 字），"
                                     f"每格最多 {MAX_CELL_CHARS} 字")
        if self.is_blank(values):
            return
        self.kept.append((line, values))
        if len(self.kept) > self.max_rows:
            raise TableFileError(self.too_many)


# ---- .xlsx ------------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, rows: _Collector) -> None:
    try:
        _check_archive(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on styles and extensions it skips
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            try:
                if not workbook.worksheets:
                    return
                sheet = workbook.worksheets[0]
                sheet.reset_dimensions()  # never trust the size a sheet declares
                width = MAX_COLUMNS + 1
                for line, values in enumerate(sheet.iter_rows(max_col=width, values_only=True), start=1):
                    if line > MAX_LINES:  # openpyxl fills the rows a sheet skips: <row r="999999999"> is many
                        raise TableFileError(f"表格超过 {MAX_LINES} 行（Excel 的最大行数）；{TIDY}")
                    if values.count(None) != width:  # an all-None row is skipped without a look at its cells
                        rows.add(line, values)
            finally:
                workbook.close()
    except TableFileError:
        raise
    except Exception as exc:  # a damaged file fails in many ways: zip, CRC, XML, KeyError, ...
        raise TableFileError(DAMAGED) from exc


def _check_archive(data: bytes) -> None:
    """The zip's directory and the parts openpyxl streams, checked before it opens the file."""
    _check_directory_size(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise TableFileError(f"这个 Excel 文件里的部件太多（{len(members)} 个，最多 {MAX_MEMBERS} 个），"
                                 "不像普通的表格；请用 Excel 打开后另存为 .xlsx 再上传")
        total = 0
        for member in members:
            size = member.file_size
            total += size
            if size > MAX_PART_BYTES:
                raise _too_big(member, MAX_PART_BYTES)
            if size > _MB and size > MAX_RATIO * max(member.compress_size, 1):
                raise TableFileError(f"这个 Excel 文件的压缩比异常（{member.filename} 解压后是压缩时的 "
                                     f"{size // max(member.compress_size, 1)} 倍），疑似恶意文件，已拒绝")
        if total > MAX_UNPACKED_BYTES:
            raise TableFileError(f"这个 Excel 文件解压后太大（共 {total // _MB} MB，最多 "
                                 f"{MAX_UNPACKED_BYTES // _MB} MB）；{TIDY}")
        xml = [member for member in members if _is_xml(archive, member)]
        for member in xml:
            if member.file_size > MAX_SMALL_PART_BYTES and not _streamed(member.filename):
                raise _too_big(member, MAX_SMALL_PART_BYTES)
        _count_parts(archive, xml)


def _too_big(member: zipfile.ZipInfo, limit: int) -> TableFileError:
    return TableFileError(f"这个 Excel 文件解压后太大：其中 {member.filename} 有 {member.file_size // _MB} MB，"
                          f"最多 {limit // _MB} MB；{COPY}")


def _check_directory_size(data: bytes) -> None:
    """zipfile makes an object of every directory entry (a 10 MB zip of empty entries: ~70 MB), so
    the directory's size is read from its end record first. No end record: zipfile will say damaged."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end == -1 or len(data) < end + 22:
        return
    entries = int.from_bytes(data[end + 10:end + 12], "little")
    size = int.from_bytes(data[end + 12:end + 16], "little")
    if entries > MAX_MEMBERS or size > _CENTRAL_DIRECTORY_MAX:
        raise TableFileError(f"这个 Excel 文件里的部件太多（最多 {MAX_MEMBERS} 个），不像普通的表格；"
                             "请用 Excel 打开后另存为 .xlsx 再上传")


_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_SHARED_STRINGS = "xl/sharedStrings.xml"


def _streamed(name: str) -> bool:
    """A worksheet or the shared strings: read a piece at a time, so they may be big. Any other XML
    part openpyxl may parse whole."""
    return bool(_WORKSHEET.fullmatch(name)) or name == _SHARED_STRINGS


def _is_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Told by what it holds, not by its name: openpyxl opens whatever part a link names, so an XML
    bomb could be called image1.png. Anything else fails its XML parser at the first byte."""
    with archive.open(member) as stream:
        head = stream.read(256)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff"))


_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_ROW_TAG = re.compile(_PREFIX + rb"row[\s/>]")
_SI_TAG = re.compile(_PREFIX + rb"si[\s/>]")
# What a row's cells are made of (rich text included); openpyxl lets go of them at the end of each row,
# while any other element of a sheet (merged cells, conditional formats, hyperlinks ...) it may keep.
_CELL_TAG = re.compile(_PREFIX + rb"(?:c|v|f|is|t|r|rPr|rFont|b|i|u|strike|condense|extend|outline|shadow"
                       rb"|vertAlign|sz|color|family|charset|scheme|rPh|phoneticPr)[\s/>]")
_LONG_RUN = re.compile(rb"<[^<]{%d}" % MAX_TEXT_RUN)  # tried at each '<' only: linear in the text


def _start_tags(buffer: bytes, start: int, end: int) -> int:
    return (buffer.count(b"<", start, end) - buffer.count(b"</", start, end) - buffer.count(b"<?", start, end)
            - buffer.count(b"<!", start, end))


class _Tally:
    """Counts the elements that split a part (rows; shared strings), the elements between two of them
    (the parser holds those together) and, with `sheet`, the elements that are neither rows nor cell
    contents (openpyxl may build an object of each and keep it: styles, merged cells, ...)."""

    def __init__(self, split: re.Pattern[bytes], most: int, too_many: str, *, sheet: bool) -> None:
        self.split, self.most, self.too_many, self.sheet = split, most, too_many, sheet
        self.count = self.between = self.other = 0
        self.part = ""  # the member being read, to name in a refusal

    def add(self, buffer: bytes, end: int) -> None:
        start = 0
        for match in self.split.finditer(buffer, 0, end):
            self._segment(buffer, start, match.start())
            self.count, self.between, start = self.count + 1, 0, match.start()
            if self.count > self.most:
                raise TableFileError(self.too_many)
        self._segment(buffer, start, end)

    def _segment(self, buffer: bytes, start: int, end: int) -> None:
        tags = _start_tags(buffer, start, end)
        self.between += tags
        if self.between > MAX_TAGS_TOGETHER:
            raise TableFileError(f"表格里有一处的内容太多（{self.part} 里一行的格子、一格的文字段或合并单元格等"
                                 f"超过 {MAX_TAGS_TOGETHER} 项）；{COPY}")
        if self.sheet:
            cells = len(_CELL_TAG.findall(buffer, start, end)) + len(self.split.findall(buffer, start, end))
            self.other += tags - cells
            if self.other > MAX_OTHER_ELEMENTS:
                raise TableFileError(f"表格里的格式、合并单元格、超链接等太多（到 {self.part} 已超过 "
                                     f"{MAX_OTHER_ELEMENTS} 项）；{COPY}")


def _count_parts(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Every XML part, whatever its name (openpyxl finds a sheet by the workbook's links, not its path)."""
    rows = _Tally(_ROW_TAG, MAX_ROW_ELEMENTS, f"表格的行数太多（含空行超过 {MAX_ROW_ELEMENTS} 行）；{TIDY}", sheet=True)
    for member in members:
        if member.filename == _SHARED_STRINGS:
            _scan(archive, member, _Tally(_SI_TAG, MAX_SHARED_STRINGS, f"表格里不同的文字太多（超过 "
                                          f"{MAX_SHARED_STRINGS} 项）；请分成几个文件上传", sheet=False))
        else:
            _scan(archive, member, rows)


def _scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo, tally: _Tally) -> None:
    """Unpacks the member a chunk at a time into `tally`; refuses a run of text longer than
    MAX_TEXT_RUN (the XML parser holds a text node whole)."""
    tail = b""  # from the last '<' of what was read: a tag or a text run that goes on
    tally.between, tally.part = 0, member.filename
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            buffer = tail + chunk
            cut = buffer.rfind(b"<")
            if cut == -1 or len(buffer) - cut > MAX_TEXT_RUN or _LONG_RUN.search(buffer, 0, cut):
                raise TableFileError(f"表格里有一格内容太长（超过 {MAX_TEXT_RUN // 1024} KB）；"
                                     f"每格最多 {MAX_CELL_CHARS} 字")
            tally.add(buffer, cut)
            tail = buffer[cut:]
    tally.add(tail, len(tail))


# ---- .csv -------------------------------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030: what Excel in China saves a CSV as."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            candidates: tuple[str, ...] = (encoding,)
            break
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableFileError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码")


def _sniff_delimiter(text: str) -> str:
    """, ; or tab: whichever the first non-blank line uses most (found without splitting the file)."""
    found = re.search(r"\S", text)
    if found is None:
        return ","
    start = text.rfind("\n", 0, found.start()) + 1
    end = min((i for i in (text.find("\n", start), text.find("\r", start)) if i != -1), default=len(text))
    first = text[start:end]
    return max((",", ";", "\t"), key=first.count)


def _read_csv(data: bytes, rows: _Collector) -> None:
    text = decode_csv(data)
    delimiter = _sniff_delimiter(text)
    stream = io.StringIO(text, newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        for line, values in enumerate(reader, start=1):
            if not whitespace_blank(values):
                rows.add(line, [value if value.strip() else None for value in values])
            if line >= MAX_ROW_ELEMENTS:
                if re.search(rf'[^\s"{re.escape(delimiter)}]', text[stream.tell():]):
                    raise TableFileError(f"表格的行数太多（含空行超过 {MAX_ROW_ELEMENTS} 行）；{TIDY}")
                return  # only blank rows follow
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise TableFileError(f"第 {reader.line_num} 行有一格内容太长；每格最多 {MAX_CELL_CHARS} 字") from None
        raise TableFileError(f"CSV 文件格式有误：{exc}") from exc
