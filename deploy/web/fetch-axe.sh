#!/usr/bin/env bash
# Re-fetches the vendored axe-core (the accessibility checker the browser tests run on every page; MPL-2.0, test-only,
# never served) at the version pinned in tests/VoSpec.Server.Tests/Web/axe/VERSION: npm pack, check the tarball
# against the recorded integrity, copy axe.min.js and the licence, record their SHA-256 (AxeTests compares them).
# To move to another version: ./fetch-axe.sh 4.14.2 (then review, run the Web tests, commit).
set -euo pipefail
dir="$(cd "$(dirname "$0")/../../tests/VoSpec.Server.Tests/Web/axe" && pwd)"
version_file="$dir/VERSION"
version="${1:-$(sed -n 's/^version=//p' "$version_file")}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "axe-core@$version" --json > pack.json)
integrity=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["integrity"])' "$work/pack.json")
recorded=$(sed -n 's/^integrity=//p' "$version_file" 2>/dev/null || true)
if [ -z "${1:-}" ] && [ "$integrity" != "$recorded" ]; then
  echo "fetch-axe: axe-core@$version tarball integrity $integrity differs from the recorded $recorded" >&2
  exit 1
fi
tar xzf "$work/axe-core-$version.tgz" -C "$work"
cp "$work/package/axe.min.js" "$work/package/LICENSE" "$dir/"
{
  echo "# axe-core (https://github.com/dequelabs/axe-core), MPL-2.0 (LICENSE here), vendored by deploy/web/fetch-axe.sh for the browser tests only."
  echo "version=$version"
  echo "integrity=$integrity"
  for f in axe.min.js LICENSE; do
    echo "sha256 $f=$(sha256sum "$dir/$f" | cut -d' ' -f1)"
  done
} > "$version_file"
echo "fetch-axe: axe-core@$version vendored into $dir"
