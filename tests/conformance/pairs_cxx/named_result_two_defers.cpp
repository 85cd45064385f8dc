// Two deferred calls change the named result in turn, newest first: the named result is
// a variable of the caller of go::frame, captured by reference.
#include "pair.hpp"

static int f() {
    int n = 0;
    go::frame([&n](go::scope &s) {
        s.defer([&n] {
            n = n * 2 + 1;
            std::printf("second step: %d\n", n);
        });
        s.defer([&n] {
            n += 3;
            std::printf("first step: %d\n", n);
        });
        n = 1;
    });
    return n;
}

int main() { std::printf("f() = %d\n", f()); }
