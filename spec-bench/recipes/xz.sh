# xz-utils 5.4.1 (Debian xz-utils): configure with only the xz command (static liblzma, no
# threads, no NLS, no scripts or docs), make.
set -eu
case "$1" in
configure)
    cp -a "$SRC"/. .
    ./configure CC="$CC" CFLAGS="$CFLAGS" LDFLAGS="$LDFLAGS" AR="$AR" RANLIB="$RANLIB" NM="$NM" \
        --disable-shared --enable-static --disable-nls --disable-threads --disable-xzdec \
        --disable-lzmadec --disable-lzmainfo --disable-lzma-links --disable-scripts --disable-doc \
        >/dev/null
    ;;
build)
    make -j"$JOBS"
    cp src/xz/xz "$OUT/"
    ;;
esac
