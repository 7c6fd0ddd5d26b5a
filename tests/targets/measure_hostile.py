"""Read each hostile file of tests/spreadsheet_corpus.py in a fresh process and print, as JSON,
{name: [peak memory in MB, seconds, the refusal]}. Used by test_import_corpus.py and bench/."""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def measure(name):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beibei_dashboard.settings")
    import django

    django.setup()
    from targets.spreadsheets import FileRejected, open_workbook
    from tests.spreadsheet_corpus import HOSTILE

    data = HOSTILE[name]()
    started, refusal = time.perf_counter(), ""
    try:
        open_workbook(data, name)
    except FileRejected as rejected:
        refusal = str(rejected)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps([round(peak, 1), round(seconds, 3), refusal], ensure_ascii=False))


def main():
    sys.path.insert(0, str(ROOT))
    from tests.spreadsheet_corpus import HOSTILE

    out = {}
    for name in HOSTILE:
        done = subprocess.run(  # noqa: S603
            [sys.executable, __file__, name], capture_output=True, text=True, check=True, cwd=ROOT, timeout=120
        )
        out[name] = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    measure(sys.argv[1]) if len(sys.argv) > 1 else main()
