# x264 (Debian x264, 0.164): configure without assembly, OpenCL or any input/output library,
# static, make; the x264 command-line encoder. Its configure takes the compiler from CC in the
# environment (it ignores --cc for the checks).
set -eu
case "$1" in
configure)
    cp -a "$SRC"/. .
    # x264_cli_log() forwards its arguments to a vprintf-like function: clang 22 counts the missing
    # format attribute under -Wformat-nonliteral, which confcc makes an error; the warning stays.
    CFLAGS="$CFLAGS -Wno-error=format-nonliteral"
    CC="$CC" ./configure --disable-asm --disable-opencl --disable-lavf --disable-swscale \
        --disable-ffms --disable-gpac --disable-lsmash --disable-avs --enable-static \
        --bit-depth=8 --chroma-format=420 --extra-cflags="$CFLAGS" --extra-ldflags="$LDFLAGS" >/dev/null
    ;;
build)
    make -j"$JOBS" x264 AR="$AR rc " RANLIB="$RANLIB"
    cp x264 "$OUT/"
    ;;
esac
