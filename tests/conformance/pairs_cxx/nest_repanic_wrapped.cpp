// Re-panicking with a new value made from the recovered one, then recovering that
// (testprog RecursivePanic's shape).
#include "pair.hpp"

#include <string>

static void inner() {
    go::frame([](go::scope &s) {
        s.defer([] {
            go::any err = go::recover();
            if (!go_isnil(err)) go::panic(std::string("wrap: ") + err.v.s);
        });
        go::panic("bad");
    });
}

static void middle() {
    go::frame([](go::scope &s) {
        s.defer([] {
            go::any r = go::recover();
            std::printf("%s\n", go::sprint(r).c_str());
            go_any_release(r); // the copied string (Go's GC frees it)
        });
        inner();
    });
}

int main() {
    middle();
    go::panic("again");
}
