#!/bin/sh
# Writes the sha256 of a `make dist` tarball into the package recipes:
# the Spack recipe's version(VERSION, sha256=...) line and the checksums
# line of every easyconfig of VERSION, each with the comment line above it
# naming the commit the tarball was made of. `make recipe-checksums` runs it.
#
#   packaging/recipe-checksums.sh TARBALL VERSION COMMIT
#
# A recipe without those lines for VERSION is an error (add them first:
# the script only rewrites, so a typo cannot add a second version). Run
# from the top of the source tree.
set -eu

if [ $# -ne 3 ]; then
    echo "usage: $0 TARBALL VERSION COMMIT" >&2
    exit 2
fi
tarball=$1
version=$2
commit=$3
me=recipe-checksums
recipe=packaging/spack/packages/ompsweep/package.py

[ -f "$tarball" ] || { echo "$me: $tarball: no such file (make dist makes it)" >&2; exit 1; }
sum=$(sha256sum "$tarball" | cut -d' ' -f1)

# rewrite FILE VALUE-PREFIX VALUE MARK: in FILE, the one line that starts
# with VALUE-PREFIX becomes VALUE, and the line just above it, which must
# start with MARK, becomes MARK followed by the commit. An error, leaving
# FILE as it was, unless there is exactly one such pair.
rewrite() {
    awk -v vp="$2" -v value="$3" -v mark="$4" -v commit="$commit" '
        index($0, vp) == 1 {
            n++
            if (index(prev, mark) == 1) { prev = mark commit; ok++ }
            line = value
        }
        index($0, vp) != 1 { line = $0 }
        NR > 1 { print prev }
        { prev = line }
        END {
            if (NR) print prev
            if (n != 1 || ok != 1) exit 1
        }' "$1" >"$1.tmp" || {
        rm -f "$1.tmp"
        echo "$me: $1: needs one line starting \"$2\" below one starting \"$4\"" >&2
        exit 1
    }
    mv "$1.tmp" "$1"
    echo "$me: $1: $version sha256 $sum (commit $commit)"
}

rewrite "$recipe" "    version(\"$version\", sha256=" \
    "    version(\"$version\", sha256=\"$sum\")" \
    "    # $version: make dist of commit "

found=0
for eb in packaging/easybuild/ompsweep-"$version"-*.eb; do
    [ -f "$eb" ] || continue
    found=1
    rewrite "$eb" "checksums = [" "checksums = ['$sum']" \
        "# $version: make dist of commit "
done
if [ "$found" -eq 0 ]; then
    echo "$me: no packaging/easybuild/ompsweep-$version-*.eb: copy the last one to that name" >&2
    exit 1
fi
