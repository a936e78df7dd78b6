# Sourced by the reference scripts: refuse to time or train the official code on Debian's netlib
# reference BLAS (libblas3), which python3-torch installs by default. PyTorch 1.13 without MKL sends
# the generator's first layer, spectral norm and (at one thread) every small-batch 1x1 convolution
# through BLAS, and netlib made the official 64² step ~20% and its one-thread loop ~5x slower
# (docs/benchmarks.md, "The reference's BLAS"). REFERENCE_BLAS=any skips the check.
if [ "${REFERENCE_BLAS:-}" != "any" ]; then
  blas_lib="$(readlink -f /etc/alternatives/libblas.so.3-"$(uname -m)"-linux-gnu 2>/dev/null || true)"
  case "$blas_lib" in
    */blas/libblas.so.3*)
      echo "the reference would run on netlib's unoptimised BLAS ($blas_lib): apt-get install libopenblas0-pthread (or REFERENCE_BLAS=any to measure it anyway)" >&2
      exit 2 ;;
  esac
fi
