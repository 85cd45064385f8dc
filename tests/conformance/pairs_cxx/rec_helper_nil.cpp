// recover called by a helper of the deferred function returns nil; the deferred
// function's own call then recovers.
#include "pair.hpp"

static go::any helper() { return go::recover(); }

static void catch_() {
    println_any("helper got:", helper());
    println_any("direct got:", go::recover());
    println_any("second direct call got:", go::recover());
}

int main() {
    go::frame([](go::scope &s) {
        s.defer([] { std::printf("main returns normally\n"); });
        s.defer(catch_);
        go::panic(42);
    });
}
