#!/usr/bin/env bash
# Builds fewgen against DJL 0.22.0 and PyTorch 1.13.1, the official code's PyTorch version, in a git
# worktree of its own, to tell what fewgen's code does from what its libtorch build does
# (docs/quality.md, "fewgen on PyTorch 1.13"). DJL 0.22 lacks bfloat16, JniUtils.pad, diagonal() and
# the NDScope varargs that fewgen uses; djl-0.22-torch-1.13.patch replaces them by equivalents (zero
# padding by concatenation: the same values and gradients) and drops bf16. Made against a59e64b:
# on a later commit it may need a hand.
#
#   bench/reference/torch113.sh /tmp/fewgen-torch113            # DJL's own libtorch 1.13.1 build (MKL)
#   cd /tmp/fewgen-torch113 && OMP_NUM_THREADS=1 ./fewgen gan train ...
#   # Debian's libtorch 1.13 (python3-torch: OpenBLAS, the library the official side runs on); DJL
#   # loads every .so in the folder, so it gets a folder of its own with the three it needs:
#   mkdir -p /tmp/debtorch && for l in libc10.so libtorch_cpu.so libtorch.so; do ln -sf /usr/lib/x86_64-linux-gnu/$l /tmp/debtorch/; done
#   PYTORCH_LIBRARY_PATH=/tmp/debtorch PYTORCH_VERSION=1.13.1 PYTORCH_FLAVOR=cpu OMP_NUM_THREADS=1 ./fewgen gan train ...
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 WORKTREE_DIR" >&2; exit 2; }
here="$(cd "$(dirname "$0")/../.." && pwd)"
git -C "$here" worktree add --detach "$1" HEAD
git -C "$1" apply "$here/bench/reference/djl-0.22-torch-1.13.patch"
# Maven Central serves pytorch-jni 1.13.1-0.22.0 and pytorch-native-cpu 1.13.1 (not offline: the first build downloads)
(cd "$1" && mvn -q -B -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -pl fewgen-cli -am package)
echo "built $1/fewgen-cli/target/fewgen.jar (DJL 0.22.0, PyTorch 1.13.1)"
