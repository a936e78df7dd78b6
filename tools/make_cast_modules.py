"""Writes the two TorchScript cast modules that fewgen's bf16 mixed precision loads
(fewgen-core/src/main/resources/org/fewgen/nn/to_bf16.pt and to_fp32.pt).

Why they exist: DJL 0.35.1's PyTorch JNI maps no DJL data type to torch.bfloat16 (casting with
NDArray.toType(BFLOAT16) aborts the JVM), and its toType runs under torch::NoGradGuard, so a cast
made through it would cut the gradient. A TorchScript module run with IValueUtils.forward(...,
isTrain=true) casts inside libtorch with autograd recording, in both directions.

Run with any PyTorch >= 1.13 (libtorch 2.7 loads the files):  python3 tools/make_cast_modules.py
"""
import pathlib

import torch


class ToBf16(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.bfloat16)


class ToFp32(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.float32)


out = pathlib.Path(__file__).resolve().parent.parent / "fewgen-core/src/main/resources/org/fewgen/nn"
out.mkdir(parents=True, exist_ok=True)
torch.jit.script(ToBf16()).save(str(out / "to_bf16.pt"))
torch.jit.script(ToFp32()).save(str(out / "to_fp32.pt"))
print("wrote", out / "to_bf16.pt", "and", out / "to_fp32.pt", "with torch", torch.__version__)
