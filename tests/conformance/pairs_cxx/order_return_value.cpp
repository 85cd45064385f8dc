// A plain (unnamed) result is computed before the deferred calls run: changing the
// variable afterwards does not change what the function returns.
#include "pair.hpp"

static int f() {
    int x = 1;
    return go::frame([&x](go::scope &s) {
        s.defer([&x] {
            x = 2;
            std::printf("deferred sets x to %d\n", x);
        });
        return x;
    });
}

int main() { std::printf("f returned %d\n", f()); }
