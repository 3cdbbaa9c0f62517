# libquantum 1.1.1 (Debian libquantum): configure for its generated headers, then the library
# sources and the shor demo in one compiler command (the Makefile goes through libtool).
# shor seeds its random numbers with time(0): the recipe fixes the seed (srand(1)) so that the
# factorisation takes the same path in every build.
set -eu
case "$1" in
configure)
    cp -a "$SRC"/. .
    sed -i 's/srand(time(0))/srand(1)/' shor.c
    ./configure CC="$CC" CFLAGS="$CFLAGS" LDFLAGS="$LDFLAGS" --disable-shared >/dev/null
    ;;
build)
    lib=""
    for f in *.c; do case "$f" in shor.c|grover.c|ising.c|quobdump.c|quobprint.c) ;; *) lib="$lib $f" ;; esac; done
    # Its own complex.h hides the C library's, which declares creal, cimag and conj.
    # shellcheck disable=SC2086
    $CC $CFLAGS -include /usr/include/complex.h -I. -o "$OUT/shor" shor.c $lib $LDFLAGS -lm
    ;;
esac
