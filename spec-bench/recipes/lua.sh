# lua 5.4 (Debian lua5.4): the interpreter from src/, one compiler command (upstream's
# `make linux` does the same with its own flags).
set -eu
case "$1" in
configure) ;;
build)
    # lstrlib.c formats with a format string it builds itself (string.format): confcc's
    # default -Werror=format-nonliteral would stop the build; the warning stays.
    CFLAGS="$CFLAGS -Wno-error=format-nonliteral"
    set -- "$SRC"/src/*.c
    files=""
    for f; do case "$f" in */luac.c) ;; *) files="$files $f" ;; esac; done
    # shellcheck disable=SC2086
    $CC $CFLAGS -DLUA_USE_LINUX -o "$OUT/lua" $files $LDFLAGS -lm -ldl
    ;;
esac
