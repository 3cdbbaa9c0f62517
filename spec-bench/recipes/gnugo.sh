# gnugo 3.8 (Debian gnugo; its debian.tar answers 404, the upstream tarball is enough):
# configure without readline or curses, make with -fcommon (old-style tentative definitions
# shared between files). gg_sort() computes `base + width * (nel - 1)` also for nel == 0,
# undefined behaviour that makes clang -O1+ builds fail an assertion at run time: the recipe
# adds the early return for nel < 2.
set -eu
case "$1" in
configure)
    cp -a "$SRC"/. .
    sed -i 's|^  int gap = nel;$|  int gap = nel;\n  if (nel < 2) return;|' utils/gg_utils.c
    grep -q 'if (nel < 2) return;' utils/gg_utils.c
    CFLAGS="$CFLAGS -fcommon"
    # gg_vsnprintf() forwards its arguments to a vprintf-like function: clang 22 counts the missing
    # format attribute under -Wformat-nonliteral, which confcc makes an error; the warning stays.
    CFLAGS="$CFLAGS -Wno-error=format-nonliteral"
    ./configure CC="$CC" CFLAGS="$CFLAGS" LDFLAGS="$LDFLAGS" AR="$AR" RANLIB="$RANLIB" \
        --without-readline --without-curses --disable-socket-support >/dev/null
    ;;
build)
    make -j"$JOBS"
    cp interface/gnugo "$OUT/"
    ;;
esac
