# phalanx XXV (Debian phalanx): its own makefile, with compiler and flags overridden.
set -eu
case "$1" in
configure) cp -a "$SRC"/. . ;;
build)
    # printfl() forwards its arguments to vprintf: clang 22 counts the missing format attribute
    # under -Wformat-nonliteral, which confcc makes an error; the warning stays.
    # phalanx reads uninitialised stack memory (MemorySanitizer: the move values compared at
    # killers.c:112, move lists of evaluate()), so its moves depend on stale stack contents:
    # every build, the baseline too, gets confcc's -ftrivial-auto-var-init=zero so that all
    # compute the same result (given explicitly, it also keeps confcc from dropping the zeroing
    # of locals on the public stack).
    make -j"$JOBS" phalanx CC="$CC" \
        CFLAGS="$CFLAGS -std=gnu89 -D_GNU_SOURCE -Wno-error=format-nonliteral -ftrivial-auto-var-init=zero" \
        LDFLAGS="$LDFLAGS"
    cp phalanx "$OUT/"
    ;;
esac
