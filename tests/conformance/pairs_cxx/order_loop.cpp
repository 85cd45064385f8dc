// Deferred calls made in a loop run newest first (test/defer.go's shape).
#include "pair.hpp"

static void count() {
    go::frame([](go::scope &s) {
        for (int i = 0; i < 10; i++) s.defer([i] { std::printf("%d", i); });
        std::printf("loop done: ");
    });
}

int main() {
    count();
    std::printf("\n");
}
