"""Read an .xls, .et or .ods with python-calamine, in a child process the parent holds to a memory
and time limit (see `targets.spreadsheets`). Not imported by Django: it is run as a script, reads
the file's bytes on stdin and writes a pickle of plain values on stdout.

    {"sheets": [{"name", "visible", "rows": [(row number, tuple of values)]}]}
    or {"error": "encrypted" | "corrupt" | "rows" | "columns", "sheet": name}
"""

import io
import pickle
import resource
import sys


def _value(value):
    return None if value == "" else value


def read(data, max_rows, max_columns):
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        return {"error": "encrypted"}
    except Exception:  # any reader error is "the file is damaged" to the clerk
        return {"error": "corrupt"}
    sheets = []
    for meta in workbook.sheets_metadata:
        visible = meta.visible == python_calamine.SheetVisibleEnum.Visible
        if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
            continue
        rows = []
        if visible:
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
                first_row = sheet.start[0] if sheet.start else 0
                first_col = sheet.start[1] if sheet.start else 0
                if sheet.end and (sheet.end[0] + 1 > max_rows):
                    return {"error": "rows", "sheet": meta.name}
                if sheet.end and (sheet.end[1] + 1 > max_columns):
                    return {"error": "columns", "sheet": meta.name}
                for index, values in enumerate(sheet.iter_rows()):
                    cells = (None,) * first_col + tuple(_value(v) for v in values)
                    while cells and cells[-1] is None:
                        cells = cells[:-1]
                    if cells:
                        rows.append((first_row + index + 1, cells))
            except python_calamine.PasswordError:
                return {"error": "encrypted"}
            except Exception:
                return {"error": "corrupt"}
        sheets.append({"name": meta.name, "visible": visible, "rows": rows})
    return {"sheets": sheets}


def main():
    max_rows, max_columns, memory = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    # Held here, before the reader is loaded: a hostile file ends this process, not the server.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    result = read(sys.stdin.buffer.read(), max_rows, max_columns)
    sys.stdout.buffer.write(pickle.dumps(result))


if __name__ == "__main__":
    main()
