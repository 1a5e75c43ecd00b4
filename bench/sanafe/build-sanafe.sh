#!/usr/bin/env bash
# Builds SANA-FE (SLAM-Lab, GPL-3) offline from local git snapshots, outside this repository, for the
# reference runs of bench/sanafe (make-references.ts, sanafe-abab.ts). Nothing it produces is committed.
set -euo pipefail

MIRRORS=${MIRRORS:-/work/.mirror}
SANAFE_GIT=${SANAFE_GIT:-$MIRRORS/SLAM-Lab+SANA-FE/repo}
SANAFE_REV=${SANAFE_REV:-8951ab0}
RYML_GIT=${RYML_GIT:-$MIRRORS/biojppm+rapidyaml/repo}
RYML_REV=${RYML_REV:-v0.13.0}
C4CORE_GIT=${C4CORE_GIT:-$MIRRORS/biojppm+c4core/repo}
C4CMAKE_GIT=${C4CMAKE_GIT:-$MIRRORS/biojppm+cmake/repo}
DEBUGBREAK_GIT=${DEBUGBREAK_GIT:-$MIRRORS/biojppm+debugbreak/repo}
FASTFLOAT_GIT=${FASTFLOAT_GIT:-$MIRRORS/fastfloat+fast_float/repo}
BOOKSIM_GIT=${BOOKSIM_GIT:-$MIRRORS/SLAM-Lab+booksim2-sanafe/repo}
BOOKSIM_REV=${BOOKSIM_REV:-01016e08fe062085dee9bc9c1919385f8132ead5}
OUT=${SANAFE_BUILD_DIR:-/tmp/sanafe-build}
JOBS=${JOBS:-2}

# The commit a superproject pins for a submodule path (a gitlink in its tree).
pinned() { git -C "$1" ls-tree "$2" "$3" | awk '$2 == "commit" { print $3 }'; }

# Extracts REV of GIT_DIR into DEST (emptied first).
extract() {
  local git_dir=$1 rev=$2 dest=$3
  git -C "$git_dir" cat-file -e "$rev^{commit}" 2>/dev/null || {
    echo "build-sanafe: commit $rev is not in $git_dir; fetch that repository's snapshot first" >&2
    exit 2
  }
  # A snapshot may lack its largest blobs (rapidyaml's bm/cases benchmark inputs): leave those out, say which.
  local missing=()
  mapfile -t missing < <(git -C "$git_dir" ls-tree -r "$rev" | awk '$2 == "blob" { print $3 " " $4 }' |
    git -C "$git_dir" cat-file --batch-check='%(objectname) %(rest)' | awk '$2 == "missing" { print $1 }' |
    while read -r blob; do git -C "$git_dir" ls-tree -r "$rev" | awk -v b="$blob" '$3 == b { print $4 }'; done)
  local excludes=()
  for path in "${missing[@]}"; do
    echo "build-sanafe: $path is not in the snapshot of $git_dir; left out (git archive still names it)" >&2
    excludes+=(":(exclude)$path")
  done
  rm -rf "$dest" && mkdir -p "$dest"
  git -C "$git_dir" archive "$rev" -- . "${excludes[@]}" | tar -x -C "$dest"
}

echo "== sources into $OUT"
extract "$SANAFE_GIT" "$SANAFE_REV" "$OUT/src"
extract "$RYML_GIT" "$RYML_REV" "$OUT/deps/ryml"
c4core_rev=$(pinned "$RYML_GIT" "$RYML_REV" ext/c4core)
extract "$C4CORE_GIT" "$c4core_rev" "$OUT/deps/ryml/ext/c4core"
extract "$C4CMAKE_GIT" "$(pinned "$C4CORE_GIT" "$c4core_rev" cmake)" "$OUT/deps/ryml/ext/c4core/cmake"
extract "$DEBUGBREAK_GIT" "$(pinned "$C4CORE_GIT" "$c4core_rev" src/c4/ext/debugbreak)" \
  "$OUT/deps/ryml/ext/c4core/src/c4/ext/debugbreak"
extract "$FASTFLOAT_GIT" "$(pinned "$C4CORE_GIT" "$c4core_rev" src/c4/ext/fast_float)" \
  "$OUT/deps/ryml/ext/c4core/src/c4/ext/fast_float"
extract "$BOOKSIM_GIT" "$BOOKSIM_REV" "$OUT/deps/booksim"

echo "== configure (offline: FetchContent takes the extracted sources)"
cmake -S "$OUT/src" -B "$OUT/build" -DCMAKE_BUILD_TYPE=Release \
  -DPYTHON_BUILD_ENABLED=OFF -DFETCHCONTENT_FULLY_DISCONNECTED=ON \
  -DFETCHCONTENT_SOURCE_DIR_RYML="$OUT/deps/ryml" \
  -DFETCHCONTENT_SOURCE_DIR_BOOKSIM="$OUT/deps/booksim"

echo "== build"
start=$(date +%s)
make -C "$OUT/build" -j"$JOBS" sim
echo "== built $OUT/build/sim in $(($(date +%s) - start)) s"
