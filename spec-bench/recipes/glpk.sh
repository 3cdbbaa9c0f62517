# glpk 5.0 (Debian glpk): configure static, make; the glpsol solver.
set -eu
case "$1" in
configure)
    cp -a "$SRC"/. .
    # glp_printf() and friends forward their arguments to vprintf-like functions and build
    # format strings: confcc's -Werror=format-nonliteral (which in clang 22 also covers the
    # missing format attribute) would stop the build; the warnings stay.
    CFLAGS="$CFLAGS -Wno-error=format-nonliteral"
    ./configure CC="$CC" CFLAGS="$CFLAGS" LDFLAGS="$LDFLAGS" AR="$AR" RANLIB="$RANLIB" NM="$NM" \
        --disable-shared --enable-static >/dev/null
    ;;
build)
    make -j"$JOBS"
    cp examples/glpsol "$OUT/"
    ;;
esac
