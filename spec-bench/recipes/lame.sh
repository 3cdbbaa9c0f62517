# lame 3.100 (Debian lame): configure static, without the GTK frame analyser or nasm, make;
# the lame command-line encoder.
set -eu
case "$1" in
configure)
    cp -a "$SRC"/. .
    # lame_report_def() forwards to vfprintf: clang 22 counts the missing format attribute
    # under -Wformat-nonliteral, which confcc makes an error; the warning stays.
    CFLAGS="$CFLAGS -Wno-error=format-nonliteral"
    ./configure CC="$CC" CFLAGS="$CFLAGS" LDFLAGS="$LDFLAGS" AR="$AR" RANLIB="$RANLIB" NM="$NM" \
        --disable-shared --enable-static --disable-gtktest --disable-nasm --disable-decoder \
        >/dev/null
    ;;
build)
    make -j"$JOBS"
    cp frontend/lame "$OUT/"
    ;;
esac
