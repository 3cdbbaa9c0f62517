# bzip2 1.0.8 (Debian bzip2): upstream Makefile, target bzip2 (library + front end).
set -eu
case "$1" in
configure) cp -a "$SRC"/. . ;;
build)
    make -j"$JOBS" bzip2 CC="$CC" AR="$AR" RANLIB="$RANLIB" \
        CFLAGS="$CFLAGS -D_FILE_OFFSET_BITS=64" LDFLAGS="$LDFLAGS"
    cp bzip2 "$OUT/"
    ;;
esac
