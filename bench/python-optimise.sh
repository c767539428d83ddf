#!/bin/sh
# CPython built as production runs it — profile-guided (PGO) and link-time (LTO) optimisation —
# for the load bench (docs/performance.md, « L'interpréteur »). The sources are CPython's own
# release tarball as Debian 13 ships it (python3.13's source package, checked by apt against
# Debian's keyring); nothing else is downloaded. About 25 minutes on two cores, once.
#
#     bench/python-optimise.sh .tools/python-optimise
#
# Needs apt-get (run as root, as on the bench machines) and a C compiler with the headers
# the pyenv builds already needed (OpenSSL, libffi, SQLite, zlib, bz2, lzma, readline).
set -eu

destination=$(realpath -m "${1:?destination, par exemple .tools/python-optimise}")
travail=$(mktemp -d)
chmod 755 "$travail" # apt downloads as its own user, _apt
trap 'rm -rf "$travail"' EXIT

# A private apt state for the download: the machine's sources and lists are left as they are.
mkdir -p "$travail/etat/lists/partial" "$travail/archives/partial"
cat >"$travail/sources.list" <<'EOF'
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
EOF
apt_prive() {
	apt-get -q \
		-o Dir::Etc::SourceList="$travail/sources.list" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State::Lists="$travail/etat/lists" \
		-o Dir::Cache::Archives="$travail/archives" \
		"$@"
}
apt_prive update
(cd "$travail" && apt_prive source --download-only python3.13)

cd "$travail"
tar xf python3.13_*.orig.tar.xz
cd Python-3.13.*/
./configure --prefix="$destination" --enable-optimizations --with-lto >configure.log
make -j"$(nproc)" >make.log 2>&1 || { tail -40 make.log >&2; exit 1; }
make install >install.log 2>&1 || { tail -40 install.log >&2; exit 1; }
"$destination/bin/python3" -c 'import sys, ssl, sqlite3, ctypes; print(sys.version)'
