#!/usr/bin/env bash
# Re-fetches the vendored uPlot (the web viewer's chart library, MIT) at the version pinned in
# src/VoSpec.Server/Web/assets/uplot/VERSION: npm pack, check the tarball against the recorded integrity, copy the
# files the pages load, and record their SHA-256 (WebAssetsTests compares the embedded copies with them).
# To move to another version: ./fetch-uplot.sh 1.6.33 (then review, build, run the Web tests, commit).
set -euo pipefail
dir="$(cd "$(dirname "$0")/../../src/VoSpec.Server/Web/assets/uplot" && pwd)"
version_file="$dir/VERSION"
version="${1:-$(sed -n 's/^version=//p' "$version_file")}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "uplot@$version" --json > pack.json)
integrity=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["integrity"])' "$work/pack.json")
recorded=$(sed -n 's/^integrity=//p' "$version_file" 2>/dev/null || true)
if [ -z "${1:-}" ] && [ "$integrity" != "$recorded" ]; then
  echo "fetch-uplot: uplot@$version tarball integrity $integrity differs from the recorded $recorded" >&2
  exit 1
fi
tar xzf "$work/uplot-$version.tgz" -C "$work"
cp "$work/package/dist/uPlot.iife.min.js" "$work/package/dist/uPlot.min.css" "$work/package/LICENSE" "$dir/"
{
  echo "# uPlot (https://github.com/leeoniya/uPlot), MIT licence (LICENSE here), vendored by deploy/web/fetch-uplot.sh."
  echo "version=$version"
  echo "integrity=$integrity"
  for f in uPlot.iife.min.js uPlot.min.css LICENSE; do
    echo "sha256 $f=$(sha256sum "$dir/$f" | cut -d' ' -f1)"
  done
} > "$version_file"
echo "fetch-uplot: uplot@$version vendored into $dir"
