"""``simcoder import MODEL -o topology.csv``: a PyTorch or ONNX model as a SCALE-Sim topology."""

from __future__ import annotations

import argparse
import sys


def cmd_import(args: argparse.Namespace) -> int:
    from simcoder.workloads.imports import import_model, write_topology

    imported = import_model(
        args.model,
        inputs=args.input,
        batch=args.batch,
        convention=args.convention,
        skip_unsupported=args.skip_unsupported,
    )
    form = "gemm" if args.gemm else "split" if args.split else "auto"
    files = write_topology(imported, args.output, form=form, comments=not args.plain)
    for line in imported.header()[1:]:
        print(line, file=sys.stderr)
    gemm = args.gemm or all(x.gemm for x in imported.layers)
    flag = " (M, N, K rows)" if gemm else ""
    print(
        f"wrote {', '.join(map(str, files))}{flag} in {imported.seconds:.1f} s; simulate it: "
        f"simcoder simulate -c paper -t {files[0]}"
    )
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import",
        help="a PyTorch or ONNX model as a SCALE-Sim topology CSV (needs simcoder[import])",
        description=(
            "MODEL: path/model.onnx, torchvision:NAME (weights=None, no download), "
            "transformers:NAME[,key=value...] (gpt2, gpt2-medium, gpt2-large, gpt2-xl, "
            "bert-base-uncased, bert-large-uncased, any model type transformers knows, or a "
            "directory with a config.json; key=value overrides config fields; head=causal-lm "
            "adds the LM head), or path/file.py:factory (a function returning an nn.Module, or "
            "(module, example_input)). Lowering rules: docs/workloads.md."
        ),
    )
    p.add_argument("model", metavar="MODEL")
    p.add_argument("-o", "--output", required=True, help="the topology CSV to write")
    p.add_argument(
        "--input",
        action="append",
        metavar="[NAME=]DIMS",
        help="input shape, e.g. 1,3,224,224 (a language model: BATCH,SEQUENCE); ONNX inputs by "
        "name with NAME=DIMS; default: the model's own (torchvision: its weights' crop size, "
        "transformers: its maximum sequence length)",
    )
    p.add_argument("--batch", type=int, help="batch size (replaces the input's first dim)")
    p.add_argument(
        "--convention",
        choices=["padded", "scalesim"],
        default="padded",
        help="a conv's input size: padded (default: the input enlarged by its padding, so "
        "SCALE-Sim computes the model's output size and MACs) or scalesim (the unpadded size, "
        "as SCALE-Sim's own topology files write it)",
    )
    p.add_argument("--gemm", action="store_true", help="write every layer as M, N, K rows")
    p.add_argument(
        "--split",
        action="store_true",
        help="a network that mixes convs and GEMMs: convs in OUTPUT, GEMMs in OUTPUT_gemm.csv "
        "(default: one conv file, each GEMM as a 1x1 conv)",
    )
    p.add_argument(
        "--plain",
        action="store_true",
        help="no '#' comment header (SCALE-Sim's own reader does not skip comments)",
    )
    p.add_argument(
        "--skip-unsupported",
        action="store_true",
        help="leave out ops no rule lowers (LSTM, Einsum, ...), listed as skipped, instead of "
        "stopping",
    )
    p.set_defaults(func=cmd_import)
