// go::frame's f must not return a reference (a recovery returns R{}).
// EXPECT: must not return a reference
#include <godefer.hpp>
static int x;
void f() {
    go::frame([](go::scope &) -> int & { return x; });
}
