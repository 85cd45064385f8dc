// test/recover.go's try: run g; if it panics, return the panic value, else deflt.
#include "pair.hpp"

static go::any try_(void (*g)(), go::any deflt) {
    go::any x = go_nil();
    go::frame([&](go::scope &s) {
        s.defer([&x] {
            go::any v = go::recover();
            if (!go_isnil(v)) x = v;
        });
        s.defer(g);
        x = deflt; // return deflt
    });
    return x;
}

static void panics() { go::panic(5); }
static void quiet() {}

int main() {
    std::printf("%s\n", go::sprint(try_(panics, go::value(55))).c_str());
    std::printf("%s\n", go::sprint(try_(quiet, go::value("hi"))).c_str());
}
