// Deferred calls run last-in first-out when the function returns.
#include "pair.hpp"

static void say(const char *s) { std::printf("%s\n", s); }

static void f() {
    go::frame([](go::scope &s) {
        s.defer([] { say("first deferred"); });
        s.defer([] { say("second deferred"); });
        std::printf("body\n");
    });
}

int main() {
    f();
    std::printf("after f\n");
}
