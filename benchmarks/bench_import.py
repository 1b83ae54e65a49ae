"""How long ``simcoder import`` takes (issue 15, point 6: seconds, not minutes), against what
a naive importer pays: building the model with random weights on the CPU and running one real
forward pass (what tracing without the meta device means). Each model runs in a fresh process
so torch's own import (a few seconds, paid once per command) is counted separately.

    .venv/bin/python benchmarks/bench_import.py --json benchmarks/results/import.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

MODELS = [
    "torchvision:resnet50",
    "transformers:gpt2",
    "transformers:bert-base-uncased",
    "transformers:gpt2-xl",
]

IMPORT = """
import time, json
t0 = time.perf_counter()
import torch, torchvision, transformers
t1 = time.perf_counter()
from simcoder.workloads.imports import import_model
im = import_model({model!r})
t2 = time.perf_counter()
print(json.dumps({{"torch_import_s": t1 - t0, "import_s": t2 - t1, "layers": len(im.layers)}}))
"""

NAIVE = """
import time, json, warnings
warnings.simplefilter("ignore")
import torch, torchvision, transformers
from simcoder.workloads.imports.torch_frontend import _build
t1 = time.perf_counter()
model, shape, _ = _build({model!r})
model.eval()
with torch.no_grad():
    if {model!r}.startswith("transformers:"):
        ids = torch.zeros(shape, dtype=torch.long)
        model(input_ids=ids, attention_mask=torch.ones_like(ids))
    else:
        model(torch.zeros(shape))
print(json.dumps({{"naive_s": time.perf_counter() - t1}}))
"""


def _run(code: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument(
        "--no-naive",
        action="store_true",
        help="skip the CPU baseline (GPT-2 XL's random weights take ~6 GB and a minute)",
    )
    p.add_argument("--json", help="write the figures here")
    args = p.parse_args()
    rows = []
    print(f"{'model':36} {'layers':>6} {'import s':>9} {'naive s':>8} {'ratio':>6}  (torch import)")
    for model in args.models.split(","):
        ours = _run(IMPORT.format(model=model))
        naive = None if args.no_naive else _run(NAIVE.format(model=model))["naive_s"]
        ratio = f"{naive / ours['import_s']:.1f}x" if naive else "-"
        print(
            f"{model:36} {ours['layers']:>6} {ours['import_s']:>9.2f} "
            f"{naive if naive is not None else float('nan'):>8.2f} {ratio:>6}  "
            f"({ours['torch_import_s']:.1f} s)"
        )
        rows.append({"model": model, **ours, "naive_s": naive})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"measured": time.strftime("%Y-%m-%d"), "rows": rows}, f, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
