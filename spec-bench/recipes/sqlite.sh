# sqlite: speedtest1.c from Debian's sqlite3 source package, compiled with the sqlite3
# amalgamation that the crate libsqlite3-sys bundles (generating one from Debian's tree needs tclsh).
set -eu
case "$1" in
configure) ;;
build)
    # speedtest1.c's fatal_error() forwards its arguments to vfprintf: clang 22 counts the
    # missing format attribute under -Wformat-nonliteral, which confcc makes an error; the
    # warning stays.
    CFLAGS="$CFLAGS -Wno-error=format-nonliteral"
    amalgamation="$SRC_libsqlite3_sys/sqlite3"
    $CC $CFLAGS -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -I"$amalgamation" \
        -o "$OUT/speedtest1" "$SRC_sqlite3/test/speedtest1.c" "$amalgamation/sqlite3.c" $LDFLAGS -lm
    ;;
esac
