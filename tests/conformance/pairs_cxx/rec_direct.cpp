// recover called directly by a deferred function stops the panic; the function that
// deferred it returns normally and its caller goes on.
#include "pair.hpp"

static void catch_() { println_any("recovered:", go::recover()); }

static void f() {
    go::frame([](go::scope &s) {
        s.defer([] { std::printf("f's first deferred call still runs\n"); });
        s.defer(catch_);
        std::printf("f panics\n");
        go::panic("boom");
    });
}

int main() {
    f();
    std::printf("main goes on\n");
}
