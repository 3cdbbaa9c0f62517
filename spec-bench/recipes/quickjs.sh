# QuickJS-ng (bundled by the crate rquickjs-sys; Debian 12 has no quickjs source package): the
# qjs command-line interpreter, one compiler command over the sources CMakeLists.txt lists.
set -eu
case "$1" in
configure) ;;
build)
    q="$SRC/quickjs"
    $CC $CFLAGS -D_GNU_SOURCE -DQJS_BUILD_LIBC -I"$q" -o "$OUT/qjs" \
        "$q/qjs.c" "$q/gen/repl.c" "$q/gen/standalone.c" "$q/quickjs-libc.c" \
        "$q/quickjs.c" "$q/libregexp.c" "$q/libunicode.c" "$q/dtoa.c" $LDFLAGS -lm -lpthread -ldl
    ;;
esac
