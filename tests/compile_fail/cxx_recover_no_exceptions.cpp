// go::recover() in a -fno-exceptions translation unit: refused at compile time, as a
// recovery would skip the destructors of frames without landing pads.
// FLAGS: -fno-exceptions
// EXPECT: go::recover\(\) needs C\+\+ exceptions
#include <godefer.hpp>
int f() {
    return go::frame([](go::scope &s) {
        s.defer([] { (void)go::recover(); });
        return 1;
    });
}
