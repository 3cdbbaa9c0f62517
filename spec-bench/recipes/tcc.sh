# tcc (Debian tcc, 0.9.27+git20200814): configure with the compiler, make; the tcc compiler
# with its own headers and runtime library ($OUT/include, $OUT/libtcc1.a, found with -B$BIN).
# tcc builds libtcc1.a with itself, so that part is compiled by the freshly built tcc.
set -eu
case "$1" in
configure)
    cp -a "$SRC"/. .
    # strcat_vprintf() forwards its arguments to a vprintf-like function: clang 22 counts the missing
    # format attribute under -Wformat-nonliteral, which confcc makes an error; the warning stays.
    CFLAGS="$CFLAGS -Wno-error=format-nonliteral"
    ./configure --cc="$CC" --extra-cflags="$CFLAGS" --extra-ldflags="$LDFLAGS" --ar="$AR" >/dev/null
    ;;
build)
    make -j"$JOBS" tcc libtcc1.a
    cp tcc libtcc1.a "$OUT/"
    cp -r include "$OUT/include"
    ;;
esac
